import { describe, expect, it } from 'vitest';
import { parseStateMachine, runExecution } from './index.js';
import type { ResourceHandler } from './runner.js';

const TASK = 'arn:aws:lambda:us-east-1:123456789012:function:hello';

async function run(
  def: Record<string, unknown>,
  input: unknown,
  resources: Record<string, ResourceHandler> = {},
) {
  return runExecution(parseStateMachine(def), input, {
    resources,
    clock: { now: () => Date.UTC(2024, 0, 1) },
  });
}

const single = (state: Record<string, unknown>) => ({ StartAt: 'S', States: { S: { ...state, End: true } } });
const types = (history: { type: string }[]) => history.map((e) => e.type);

describe('Pass', () => {
  it('puts Result at ResultPath (developer guide example)', async () => {
    const r = await run(
      single({
        Type: 'Pass',
        Result: { 'x-datum': 0.381018, 'y-datum': 622.2269926397355 },
        ResultPath: '$.coords',
      }),
      { georefOf: 'Home' },
    );
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toEqual({
      georefOf: 'Home',
      coords: { 'x-datum': 0.381018, 'y-datum': 622.2269926397355 },
    });
    expect(types(r.history)).toEqual([
      'ExecutionStarted',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
  });
  it('selects with Parameters (developer guide example)', async () => {
    const input = {
      comment: 'Example for Parameters.',
      product: {
        details: { color: 'blue', size: 'small', material: 'cotton' },
        availability: 'in stock',
        sku: '2317',
        cost: '$23',
      },
    };
    const r = await run(
      single({
        Type: 'Pass',
        Parameters: {
          comment: 'Selecting what I care about.',
          MyDetails: {
            'size.$': '$.product.details.size',
            'exists.$': '$.product.availability',
            StaticValue: 'foo',
          },
        },
      }),
      input,
    );
    expect(r.output).toEqual({
      comment: 'Selecting what I care about.',
      MyDetails: { size: 'small', exists: 'in stock', StaticValue: 'foo' },
    });
  });
  it('applies InputPath, ResultPath null and OutputPath', async () => {
    expect(
      (await run(single({ Type: 'Pass', InputPath: '$.a', OutputPath: '$.b' }), { a: { b: 2 } })).output,
    ).toBe(2);
    expect((await run(single({ Type: 'Pass', Result: 1, ResultPath: null }), { a: 1 })).output).toEqual({
      a: 1,
    });
    expect((await run(single({ Type: 'Pass', InputPath: null }), { a: 1 })).output).toEqual({});
  });
  it('fails with States.Runtime on a missing InputPath', async () => {
    const r = await run(single({ Type: 'Pass', InputPath: '$.missing' }), {});
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('States.Runtime');
  });
  it('fails with States.Runtime and the AWS cause text on a missing .$ path', async () => {
    const r = await run(single({ Type: 'Pass', Parameters: { 'x.$': '$.nope' } }), { a: 1 });
    expect(r.error).toBe('States.Runtime');
    expect(r.cause).toBe(
      "An error occurred while executing the state 'S' (entered at the event id #2). The JSONPath '$.nope' specified for the field 'x.$' could not be found in the input '{\"a\":1}'",
    );
  });
  it('fails with States.ResultPathMatchFailure when ResultPath cannot be applied', async () => {
    const r = await run(single({ Type: 'Pass', Result: 1, ResultPath: '$.a.b' }), { a: 5 });
    expect(r.error).toBe('States.ResultPathMatchFailure');
  });
  it('reads the context object', async () => {
    const r = await run(
      single({
        Type: 'Pass',
        Parameters: {
          'name.$': '$$.Execution.Name',
          'state.$': '$$.State.Name',
          'input.$': '$$.Execution.Input',
        },
      }),
      { z: 1 },
    );
    expect(r.output).toEqual({ name: 'execution', state: 'S', input: { z: 1 } });
  });
});

describe('Task', () => {
  it('invokes a resource and places its result (developer guide ResultPath example)', async () => {
    const input = {
      comment: 'This is a test of the input and output of a Task state.',
      details: 'Default example',
      who: 'AWS Step Functions',
    };
    const r = await run(single({ Type: 'Task', Resource: TASK, ResultPath: '$.taskresult' }), input, {
      [TASK]: (i) => `Hello, ${(i as { who: string }).who}!`,
    });
    expect(r.output).toEqual({ ...input, taskresult: 'Hello, AWS Step Functions!' });
    expect(types(r.history)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
  });
  it('wraps lambda:invoke results in the Lambda shape and applies ResultSelector', async () => {
    const r = await run(
      single({
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: 'hello', 'Payload.$': '$' },
        ResultSelector: { 'p.$': '$.Payload', 'code.$': '$.StatusCode' },
      }),
      { n: 1 },
      { hello: (i) => ({ got: i }) },
    );
    expect(r.output).toEqual({ p: { got: { n: 1 } }, code: 200 });
    expect(types(r.history)).toContain('TaskScheduled');
    const scheduled = r.history.find((e) => e.type === 'TaskScheduled') as Record<string, unknown>;
    expect(scheduled.taskScheduledEventDetails).toMatchObject({
      resourceType: 'lambda',
      resource: 'invoke',
      region: 'us-east-1',
    });
  });
  it('fails with the thrown error name and message', async () => {
    const r = await run(
      single({ Type: 'Task', Resource: 'arn:aws:states:::http:invoke' }),
      {},
      {
        'arn:aws:states:::http': () => {
          throw Object.assign(new Error('boom'), { name: 'Custom.Error' });
        },
      },
    );
    expect(r).toMatchObject({ status: 'FAILED', error: 'Custom.Error', cause: 'boom' });
    expect(types(r.history)).toContain('TaskFailed');
  });
  it('retries with backoff and MaxDelaySeconds on a virtual clock', async () => {
    let calls = 0;
    const r = await run(
      single({
        Type: 'Task',
        Resource: TASK,
        Retry: [
          {
            ErrorEquals: ['NotReady'],
            IntervalSeconds: 2,
            BackoffRate: 3,
            MaxAttempts: 3,
            MaxDelaySeconds: 10,
          },
        ],
      }),
      {},
      {
        [TASK]: () => {
          calls++;
          if (calls < 4) throw Object.assign(new Error('not yet'), { name: 'NotReady' });
          return 'ok';
        },
      },
    );
    expect(r.status).toBe('SUCCEEDED');
    expect(calls).toBe(4);
    const times = r.history
      .filter((e) => e.type === 'LambdaFunctionScheduled')
      .map((e) => Date.parse(e.timestamp));
    expect(times.slice(1).map((t, i) => (t - (times[i] as number)) / 1000)).toEqual([2, 6, 10]);
  });
  it('uses FULL jitter within the interval', async () => {
    let calls = 0;
    const r = await run(
      single({
        Type: 'Task',
        Resource: TASK,
        Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 10, JitterStrategy: 'FULL' }],
      }),
      {},
      {
        [TASK]: () => {
          if (calls++ === 0) throw new Error('x');
          return 1;
        },
      },
    );
    const times = r.history
      .filter((e) => e.type === 'LambdaFunctionScheduled')
      .map((e) => Date.parse(e.timestamp));
    const delay = ((times[1] as number) - (times[0] as number)) / 1000;
    expect(delay).toBeGreaterThanOrEqual(0);
    expect(delay).toBeLessThanOrEqual(10);
  });
  it('catches into ResultPath and goes to the Catch Next', async () => {
    const r = await run(
      {
        StartAt: 'T',
        States: {
          T: {
            Type: 'Task',
            Resource: TASK,
            Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Handled' }],
            End: true,
          },
          Handled: { Type: 'Pass', End: true },
        },
      },
      { a: 1 },
      {
        [TASK]: () => {
          throw Object.assign(new Error('bad'), { name: 'CustomError' });
        },
      },
    );
    expect(r.output).toEqual({
      a: 1,
      error: { Error: 'CustomError', Cause: expect.stringContaining('bad') },
    });
  });
  it('States.ALL does not catch States.Runtime', async () => {
    const r = await run(
      {
        StartAt: 'T',
        States: {
          T: {
            Type: 'Task',
            Resource: TASK,
            InputPath: '$.x',
            Catch: [{ ErrorEquals: ['States.ALL'], Next: 'H' }],
            End: true,
          },
          H: { Type: 'Pass', End: true },
        },
      },
      {},
      { [TASK]: () => 1 },
    );
    expect(r.error).toBe('States.Runtime');
  });
  it('fails with States.TaskFailed when no handler exists', async () => {
    expect((await run(single({ Type: 'Task', Resource: 'arn:nope' }), {})).error).toBe('States.TaskFailed');
  });
});

describe('Choice, Wait, Succeed, Fail', () => {
  const choice = {
    StartAt: 'C',
    States: {
      C: {
        Type: 'Choice',
        Choices: [
          { Not: { Variable: '$.type', StringEquals: 'Private' }, Next: 'Public' },
          {
            And: [
              { Variable: '$.value', NumericGreaterThanEquals: 20 },
              { Variable: '$.value', NumericLessThan: 30 },
            ],
            Next: 'Range',
          },
        ],
        Default: 'Other',
      },
      Public: { Type: 'Pass', Result: 'public', End: true },
      Range: { Type: 'Pass', Result: 'range', End: true },
      Other: { Type: 'Pass', Result: 'other', End: true },
    },
  };
  it('follows the first matching rule or the Default', async () => {
    expect((await run(choice, { type: 'Public' })).output).toBe('public');
    expect((await run(choice, { type: 'Private', value: 25 })).output).toBe('range');
    expect((await run(choice, { type: 'Private', value: 35 })).output).toBe('other');
  });
  it('raises States.Runtime when no rule matches and there is no Default', async () => {
    const r = await run(
      {
        StartAt: 'C',
        States: {
          C: { Type: 'Choice', Choices: [{ Variable: '$.a', IsPresent: true, Next: 'E' }] },
          E: { Type: 'Succeed' },
        },
      },
      {},
    );
    expect(r.error).toBe('States.Runtime');
    expect(r.cause).toContain("state 'C' (entered at the event id #2)");
  });
  it('waits on the virtual clock (Seconds, SecondsPath, Timestamp)', async () => {
    const def = {
      StartAt: 'W1',
      States: {
        W1: { Type: 'Wait', Seconds: 10, Next: 'W2' },
        W2: { Type: 'Wait', SecondsPath: '$.s', Next: 'W3' },
        W3: { Type: 'Wait', Timestamp: '2024-01-02T00:00:00Z', Next: 'Done' },
        Done: { Type: 'Succeed' },
      },
    };
    const r = await run(def, { s: 5 });
    expect(r.status).toBe('SUCCEEDED');
    const last = r.history.at(-1);
    expect(last?.timestamp).toBe('2024-01-02T00:00:00.000Z');
    expect(types(r.history)).toEqual([
      'ExecutionStarted',
      'WaitStateEntered',
      'WaitStateExited',
      'WaitStateEntered',
      'WaitStateExited',
      'WaitStateEntered',
      'WaitStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ]);
  });
  it('fails with Error and Cause (and their Path forms)', async () => {
    const r = await run(
      { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'MyError', Cause: 'my cause' } } },
      {},
    );
    expect(r).toMatchObject({ status: 'FAILED', error: 'MyError', cause: 'my cause' });
    expect(types(r.history)).toEqual(['ExecutionStarted', 'FailStateEntered', 'ExecutionFailed']);
    const p = await run(
      {
        StartAt: 'F',
        States: { F: { Type: 'Fail', ErrorPath: '$.e', CausePath: "States.Format('c={}', $.c)" } },
      },
      { e: 'E', c: 1 },
    );
    expect(p).toMatchObject({ error: 'E', cause: 'c=1' });
  });
});

describe('execution', () => {
  it('times out with States.Timeout', async () => {
    const r = await run(
      { TimeoutSeconds: 5, StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 60, End: true } } },
      {},
    );
    expect(r).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
    expect(types(r.history).at(-1)).toBe('ExecutionTimedOut');
  });
  it('numbers events consecutively and links previousEventId', async () => {
    const r = await run(
      { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', End: true } } },
      {},
    );
    expect(r.history.map((e) => e.id)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(r.history.map((e) => e.previousEventId)).toEqual([0, 1, 2, 3, 4, 5]);
    const json = JSON.parse(JSON.stringify(r.history));
    expect(json[1].stateEnteredEventDetails).toEqual({
      name: 'A',
      input: '{}',
      inputDetails: { truncated: false },
    });
  });
  it('UUIDs are replayable: the same seed gives the same output', async () => {
    const m = parseStateMachine(single({ Type: 'Pass', Parameters: { 'id.$': 'States.UUID()' } }));
    const a = await runExecution(m, {}, { random: { seed: 7 } });
    const b = await runExecution(m, {}, { random: { seed: 7 } });
    expect(a.output).toEqual(b.output);
  });
});
