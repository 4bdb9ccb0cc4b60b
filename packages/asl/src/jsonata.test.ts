import { describe, expect, it } from 'vitest';
import { parseStateMachine, runExecution, validateDefinition } from './index.js';
import type { ResourceHandler } from './runner.js';

const TASK = 'arn:aws:states:::lambda:invoke';

async function run(
  def: Record<string, unknown>,
  input: unknown,
  resources: Record<string, ResourceHandler> = {},
) {
  return runExecution(parseStateMachine({ QueryLanguage: 'JSONata', ...def }), input, { resources });
}

describe('JSONata', () => {
  it('evaluates {% %} in Output with $states.input', async () => {
    const r = await run(
      {
        StartAt: 'P',
        States: {
          P: {
            Type: 'Pass',
            Output: { sum: '{% $states.input.a + $states.input.b %}', fixed: 1 },
            End: true,
          },
        },
      },
      { a: 2, b: 3 },
    );
    expect(r.output).toEqual({ sum: 5, fixed: 1 });
  });
  it('passes Arguments to a Task and shapes its result with $states.result', async () => {
    const r = await run(
      {
        StartAt: 'T',
        States: {
          T: {
            Type: 'Task',
            Resource: TASK,
            Arguments: { FunctionName: 'double', Payload: { n: '{% $states.input.n %}' } },
            Output: '{% $states.result.Payload.n %}',
            End: true,
          },
        },
      },
      { n: 21 },
      { double: (i) => ({ n: (i as { n: number }).n * 2 }) },
    );
    expect(r.output).toBe(42);
  });
  it('uses Condition in Choice with Output per rule', async () => {
    const def = {
      StartAt: 'C',
      States: {
        C: {
          Type: 'Choice',
          Choices: [{ Condition: '{% $states.input.n > 10 %}', Next: 'Big', Output: { size: 'big' } }],
          Default: 'Small',
        },
        Big: { Type: 'Succeed' },
        Small: { Type: 'Succeed', Output: { size: 'small' } },
      },
    };
    expect((await run(def, { n: 11 })).output).toEqual({ size: 'big' });
    expect((await run(def, { n: 1 })).output).toEqual({ size: 'small' });
  });
  it('Map with Items and ItemSelector reading $states.context.Map.Item', async () => {
    const r = await run(
      {
        StartAt: 'M',
        States: {
          M: {
            Type: 'Map',
            Items: '{% $states.input.list %}',
            ItemSelector: {
              v: '{% $states.context.Map.Item.Value * 10 %}',
              i: '{% $states.context.Map.Item.Index %}',
            },
            ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
            End: true,
          },
        },
      },
      { list: [1, 2] },
    );
    expect(r.output).toEqual([
      { v: 10, i: 0 },
      { v: 20, i: 1 },
    ]);
  });
  it('Catch exposes $states.errorOutput', async () => {
    const r = await run(
      {
        StartAt: 'T',
        States: {
          T: {
            Type: 'Task',
            Resource: 'arn:x',
            Catch: [
              {
                ErrorEquals: ['States.ALL'],
                Next: 'H',
                Output: { caught: '{% $states.errorOutput.Error %}' },
              },
            ],
            End: true,
          },
          H: { Type: 'Succeed' },
        },
      },
      {},
      {
        'arn:x': () => {
          throw Object.assign(new Error('m'), { name: 'Oops' });
        },
      },
    );
    expect(r.output).toEqual({ caught: 'Oops' });
  });
  it('Parallel takes Arguments and shapes $states.result with Output', async () => {
    const r = await run(
      {
        StartAt: 'P',
        States: {
          P: {
            Type: 'Parallel',
            Arguments: { n: '{% $states.input.n * 2 %}' },
            Branches: [
              {
                StartAt: 'A',
                States: { A: { Type: 'Pass', Output: '{% $states.input.n + 1 %}', End: true } },
              },
              {
                StartAt: 'B',
                States: { B: { Type: 'Pass', Output: '{% $states.input.n + 2 %}', End: true } },
              },
            ],
            Output: { sum: '{% $sum($states.result) %}' },
            End: true,
          },
        },
      },
      { n: 5 },
    );
    expect(r.output).toEqual({ sum: 23 });
  });
  it('a waitForTaskToken Task sees $states.context.Task.Token in Arguments', async () => {
    const r = await run(
      {
        StartAt: 'T',
        States: {
          T: {
            Type: 'Task',
            Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
            Arguments: { token: '{% $states.context.Task.Token %}' },
            End: true,
          },
        },
      },
      {},
      {
        'arn:aws:states:::sqs:sendMessage': (i, ctx) => ({
          same: (i as { token: string }).token === ctx.taskToken,
        }),
      },
    );
    expect(r.output).toEqual({ same: true });
  });
  it('a failing expression raises States.QueryEvaluationError', async () => {
    const r = await run(
      { StartAt: 'P', States: { P: { Type: 'Pass', Output: '{% $nothing.x %}', End: true } } },
      {},
    );
    expect(r.error).toBe('States.QueryEvaluationError');
  });
  it('Wait Seconds and Fail Error/Cause take expressions', async () => {
    const r = await run(
      {
        StartAt: 'W',
        States: {
          W: { Type: 'Wait', Seconds: '{% $states.input.s %}', Next: 'F' },
          F: { Type: 'Fail', Error: '{% "E" & $string($states.input.s) %}', Cause: 'c' },
        },
      },
      { s: 3 },
    );
    expect(r).toMatchObject({ error: 'E3', cause: 'c' });
  });
  it('validation reports bad JSONata and JSONPath-only fields', () => {
    const problems = validateDefinition({
      QueryLanguage: 'JSONata',
      StartAt: 'P',
      States: { P: { Type: 'Pass', Output: '{% $states.input.( %}', InputPath: '$', End: true } },
    });
    expect(problems.map((p) => p.path).sort()).toEqual(['/States/P/InputPath', '/States/P/Output']);
  });
});

describe('variables (Assign)', () => {
  it('assigns in JSONata and reads later; all assignments see the old values', async () => {
    const r = await run(
      {
        StartAt: 'A',
        States: {
          A: { Type: 'Pass', Assign: { x: 1, y: 2 }, Next: 'B' },
          B: { Type: 'Pass', Assign: { x: '{% $y %}', y: '{% $x %}' }, Next: 'C' },
          C: { Type: 'Pass', Output: { x: '{% $x %}', y: '{% $y %}' }, End: true },
        },
      },
      {},
    );
    expect(r.output).toEqual({ x: 2, y: 1 });
  });
  it('assigns in JSONPath with .$ keys and reads $name in paths and intrinsics', async () => {
    const r = await runExecution(
      parseStateMachine({
        StartAt: 'A',
        States: {
          A: { Type: 'Pass', Assign: { 'who.$': '$.name', n: 2 }, Next: 'B' },
          B: {
            Type: 'Pass',
            Parameters: { 'greeting.$': "States.Format('hi {}', $who)", 'n.$': '$n' },
            End: true,
          },
        },
      }),
      { name: 'Ada' },
    );
    expect(r.output).toEqual({ greeting: 'hi Ada', n: 2 });
  });
  it('JSONPath Assign on a Task reads the raw result, before ResultSelector', async () => {
    const r = await runExecution(
      parseStateMachine({
        StartAt: 'T',
        States: {
          T: {
            Type: 'Task',
            Resource: 'arn:x',
            ResultSelector: { 'picked.$': '$.a' },
            Assign: { 'raw.$': '$.b' },
            Next: 'U',
          },
          U: { Type: 'Pass', Parameters: { 'raw.$': '$raw', 'in.$': '$' }, End: true },
        },
      }),
      {},
      { resources: { 'arn:x': () => ({ a: 1, b: 2 }) } },
    );
    expect(r.output).toEqual({ raw: 2, in: { picked: 1 } });
  });
  it('Map iterations read outer variables; their own assignments stay inside', async () => {
    const r = await run(
      {
        StartAt: 'A',
        States: {
          A: { Type: 'Pass', Assign: { base: 100 }, Next: 'M' },
          M: {
            Type: 'Map',
            Items: '{% $states.input %}',
            ItemProcessor: {
              StartAt: 'I',
              States: {
                I: { Type: 'Pass', Assign: { inner: '{% $states.input %}' }, Next: 'J' },
                J: { Type: 'Pass', Output: '{% $base + $inner %}', End: true },
              },
            },
            Next: 'After',
          },
          After: {
            Type: 'Pass',
            Output: { results: '{% $states.input %}', inner: '{% $exists($inner) %}' },
            End: true,
          },
        },
      },
      [1, 2],
    );
    expect(r.output).toEqual({ results: [101, 102], inner: false });
  });
});
