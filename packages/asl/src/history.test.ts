import { describe, expect, it } from 'vitest';
import { parseStateMachine, runExecution } from './index.js';
import type { ResourceHandler } from './runner.js';

async function run(
  def: Record<string, unknown>,
  input: unknown,
  resources: Record<string, ResourceHandler> = {},
) {
  return runExecution(parseStateMachine(def), input, { resources });
}
const types = (history: { type: string }[]) => history.map((e) => e.type);
const json = (v: unknown) => JSON.parse(JSON.stringify(v));

describe('history events', () => {
  it('Activity resources use the Activity events', async () => {
    const arn = 'arn:aws:states:us-east-1:123456789012:activity:approve';
    const r = await run(
      { StartAt: 'A', States: { A: { Type: 'Task', Resource: arn, End: true } } },
      { x: 1 },
      { [arn]: () => 'ok' },
    );
    expect(types(r.history)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'ActivityScheduled',
      'ActivityStarted',
      'ActivitySucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(json(r.history[2]).activityScheduledEventDetails).toEqual({
      resource: arn,
      input: '{"x":1}',
      inputDetails: { truncated: false },
    });
  });
  it('service integrations use the Task events with resourceType and resource', async () => {
    const r = await run(
      {
        StartAt: 'A',
        States: {
          A: {
            Type: 'Task',
            Resource: 'arn:aws:states:::dynamodb:getItem',
            Parameters: { Key: 1 },
            End: true,
          },
        },
      },
      {},
      { 'arn:aws:states:::dynamodb:getItem': () => ({ Item: {} }) },
    );
    const h = json(r.history);
    expect(h[2].taskScheduledEventDetails).toEqual({
      resourceType: 'dynamodb',
      resource: 'getItem',
      region: 'us-east-1',
      parameters: '{"Key":1}',
    });
    expect(h[3].taskStartedEventDetails).toEqual({ resourceType: 'dynamodb', resource: 'getItem' });
    expect(h[4].taskSucceededEventDetails).toEqual({
      resourceType: 'dynamodb',
      resource: 'getItem',
      output: '{"Item":{}}',
      outputDetails: { truncated: false },
    });
  });
  it('a failing Map iteration records MapIterationFailed, aborts the others and MapStateFailed', async () => {
    const r = await run(
      {
        StartAt: 'M',
        States: {
          M: {
            Type: 'Map',
            ItemProcessor: {
              StartAt: 'C',
              States: {
                C: {
                  Type: 'Choice',
                  Choices: [{ Variable: '$', NumericEquals: 0, Next: 'F' }],
                  Default: 'W',
                },
                F: { Type: 'Fail', Error: 'Zero', Cause: 'zero' },
                W: { Type: 'Wait', Seconds: 10, End: true },
              },
            },
            End: true,
          },
        },
      },
      [1, 0],
    );
    expect(r).toMatchObject({ status: 'FAILED', error: 'Zero', cause: 'zero' });
    const t = types(r.history);
    expect(t).toContain('MapIterationFailed');
    expect(t).toContain('MapIterationAborted');
    expect(t.slice(-2)).toEqual(['MapStateFailed', 'ExecutionFailed']);
  });
  it('Parallel applies ResultSelector and ResultPath to the branch outputs', async () => {
    const r = await run(
      {
        StartAt: 'P',
        States: {
          P: {
            Type: 'Parallel',
            Branches: [
              { StartAt: 'A', States: { A: { Type: 'Pass', Result: 1, End: true } } },
              { StartAt: 'B', States: { B: { Type: 'Pass', Result: 2, End: true } } },
            ],
            ResultSelector: { 'first.$': '$[0]', 'second.$': '$[1]' },
            ResultPath: '$.out',
            End: true,
          },
        },
      },
      { keep: true },
    );
    expect(r.output).toEqual({ keep: true, out: { first: 1, second: 2 } });
    expect(types(r.history)).toEqual([
      'ExecutionStarted',
      'ParallelStateEntered',
      'ParallelStateStarted',
      'PassStateEntered',
      'PassStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ParallelStateSucceeded',
      'ParallelStateExited',
      'ExecutionSucceeded',
    ]);
  });
  it('branch events link to the Parallel state events by previousEventId', async () => {
    const r = await run(
      {
        StartAt: 'P',
        States: {
          P: {
            Type: 'Parallel',
            Branches: [
              { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } },
              { StartAt: 'B', States: { B: { Type: 'Pass', End: true } } },
            ],
            End: true,
          },
        },
      },
      {},
    );
    const byType = r.history.filter((e) => e.type === 'PassStateEntered');
    expect(byType.map((e) => e.previousEventId)).toEqual([3, 3]);
  });
  it('Map state started details carry the number of items', async () => {
    const r = await run(
      {
        StartAt: 'M',
        States: {
          M: {
            Type: 'Map',
            ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
            End: true,
          },
        },
      },
      [1, 2, 3],
    );
    expect(r.history.find((e) => e.type === 'MapStateStarted')?.mapStateStartedEventDetails).toEqual({
      length: 3,
    });
    expect(
      r.history.filter((e) => e.type === 'MapIterationStarted').map((e) => e.mapIterationStartedEventDetails),
    ).toEqual([
      { name: 'M', index: 0 },
      { name: 'M', index: 1 },
      { name: 'M', index: 2 },
    ]);
  });
  it('ExecutionFailed, ExecutionTimedOut and ExecutionAborted details', async () => {
    const failed = await run({ StartAt: 'F', States: { F: { Type: 'Fail', Error: 'E', Cause: 'C' } } }, {});
    expect(failed.history.at(-1)?.executionFailedEventDetails).toEqual({ error: 'E', cause: 'C' });
    const timedOut = await run(
      { TimeoutSeconds: 1, StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 5, End: true } } },
      {},
    );
    expect(timedOut.history.at(-1)?.executionTimedOutEventDetails).toMatchObject({ error: 'States.Timeout' });
  });
});
