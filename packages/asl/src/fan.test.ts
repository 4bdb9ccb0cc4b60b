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

describe('Parallel and Map', () => {
  it('Parallel outputs the branch outputs in order', async () => {
    const r = await run(
      single({
        Type: 'Parallel',
        Branches: [
          { StartAt: 'A', States: { A: { Type: 'Pass', Result: 'a', End: true } } },
          { StartAt: 'B', States: { B: { Type: 'Task', Resource: TASK, End: true } } },
        ],
      }),
      {},
      { [TASK]: async () => 'b' },
    );
    expect(r.output).toEqual(['a', 'b']);
    expect(types(r.history)).toContain('ParallelStateSucceeded');
  });
  it('a failing branch fails the Parallel, which Catch can handle', async () => {
    const r = await run(
      {
        StartAt: 'P',
        States: {
          P: {
            Type: 'Parallel',
            Branches: [
              { StartAt: 'A', States: { A: { Type: 'Fail', Error: 'BranchError', Cause: 'nope' } } },
              { StartAt: 'B', States: { B: { Type: 'Wait', Seconds: 100, End: true } } },
            ],
            Catch: [{ ErrorEquals: ['BranchError'], Next: 'H' }],
            End: true,
          },
          H: { Type: 'Pass', End: true },
        },
      },
      {},
    );
    expect(r.output).toEqual({ Error: 'BranchError', Cause: 'nope' });
    expect(types(r.history)).toContain('ParallelStateFailed');
  });
  it('Map with ItemsPath, ItemSelector and $$.Map.Item (developer guide example shape)', async () => {
    const r = await run(
      single({
        Type: 'Map',
        ItemsPath: '$.detail.shipped',
        ItemSelector: {
          'index.$': '$$.Map.Item.Index',
          'value.$': '$$.Map.Item.Value',
          'id.$': '$.detail.delivery-partner',
        },
        MaxConcurrency: 1,
        ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
        ResultPath: '$.detail.shipped',
      }),
      { detail: { 'delivery-partner': 'UQS', shipped: [{ prod: 'R31' }, { prod: 'S39' }] } },
    );
    expect(r.output).toEqual({
      detail: {
        'delivery-partner': 'UQS',
        shipped: [
          { index: 0, value: { prod: 'R31' }, id: 'UQS' },
          { index: 1, value: { prod: 'S39' }, id: 'UQS' },
        ],
      },
    });
    expect(types(r.history).filter((t) => t.startsWith('Map'))).toEqual([
      'MapStateEntered',
      'MapStateStarted',
      'MapIterationStarted',
      'MapIterationSucceeded',
      'MapIterationStarted',
      'MapIterationSucceeded',
      'MapStateSucceeded',
      'MapStateExited',
    ]);
  });
  it('Map honours MaxConcurrency with outstanding tasks', async () => {
    let running = 0;
    let peak = 0;
    const r = await run(
      single({
        Type: 'Map',
        MaxConcurrency: 2,
        ItemProcessor: { StartAt: 'T', States: { T: { Type: 'Task', Resource: TASK, End: true } } },
      }),
      [1, 2, 3, 4, 5],
      {
        [TASK]: async (i) => {
          running++;
          peak = Math.max(peak, running);
          await Promise.resolve();
          running--;
          return (i as number) * 10;
        },
      },
    );
    expect(r.output).toEqual([10, 20, 30, 40, 50]);
    expect(peak).toBeLessThanOrEqual(2);
  });
  it('Map tolerates failures up to ToleratedFailureCount, then raises States.ExceedToleratedFailureThreshold', async () => {
    const def = (n: number) =>
      single({
        Type: 'Map',
        ToleratedFailureCount: n,
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: 'C',
          States: {
            C: { Type: 'Choice', Choices: [{ Variable: '$', NumericEquals: 0, Next: 'F' }], Default: 'OK' },
            F: { Type: 'Fail', Error: 'Zero' },
            OK: { Type: 'Pass', End: true },
          },
        },
      });
    const ok = await run(def(1), [1, 0, 2]);
    expect(ok.status).toBe('SUCCEEDED');
    expect(ok.output).toEqual([1, { Error: 'Zero', Cause: null }, 2]);
    const bad = await run(def(0), [0, 0]);
    expect(bad.error).toBe('States.ExceedToleratedFailureThreshold');
  });
  it('ItemBatcher groups items', async () => {
    const r = await run(
      single({
        Type: 'Map',
        ItemBatcher: { MaxItemsPerBatch: 2 },
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: 'P',
          States: { P: { Type: 'Pass', End: true } },
        },
      }),
      [1, 2, 3],
    );
    expect(r.output).toEqual([{ Items: [1, 2] }, { Items: [3] }]);
  });
  it('ItemBatcher adds BatchInput to every batch', async () => {
    const r = await run(
      single({
        Type: 'Map',
        ItemsPath: '$.items',
        ItemBatcher: { MaxItemsPerBatch: 2, BatchInput: { 'job.$': '$.job' } },
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' },
          StartAt: 'P',
          States: { P: { Type: 'Pass', End: true } },
        },
      }),
      { job: 'j1', items: [1, 2, 3] },
    );
    expect(r.output).toEqual([
      { BatchInput: { job: 'j1' }, Items: [1, 2] },
      { BatchInput: { job: 'j1' }, Items: [3] },
    ]);
  });
  it('an empty Map succeeds with []', async () => {
    const r = await run(
      single({ Type: 'Map', ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } } }),
      [],
    );
    expect(r.output).toEqual([]);
  });
  it('nests a Map inside a Parallel branch inside a Map', async () => {
    const r = await run(
      single({
        Type: 'Map',
        ItemProcessor: {
          StartAt: 'P',
          States: {
            P: {
              Type: 'Parallel',
              Branches: [
                {
                  StartAt: 'Inner',
                  States: {
                    Inner: {
                      Type: 'Map',
                      ItemProcessor: {
                        StartAt: 'Add',
                        States: {
                          Add: { Type: 'Pass', Parameters: { 'v.$': 'States.MathAdd($, 1)' }, End: true },
                        },
                      },
                      End: true,
                    },
                  },
                },
                {
                  StartAt: 'Len',
                  States: {
                    Len: { Type: 'Pass', Parameters: { 'n.$': 'States.ArrayLength($)' }, End: true },
                  },
                },
              ],
              End: true,
            },
          },
        },
      }),
      [[1, 2], [3]],
    );
    expect(r.output).toEqual([
      [[{ v: 2 }, { v: 3 }], { n: 2 }],
      [[{ v: 4 }], { n: 1 }],
    ]);
  });
});
