import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AslError } from './errors.js';
import { parseStateMachine, runExecution, validateDefinition } from './index.js';

const TASK = 'arn:aws:states:::lambda:invoke';

/** One state of a chain; `next` is the following state's name or null at the end. */
const stateArb = fc.oneof(
  fc.record({
    kind: fc.constant('pass'),
    path: fc.constantFrom('$', '$.a', '$.b[0]', '$.c.d'),
    param: fc.constantFrom(
      '$.a',
      'States.ArrayLength($.b)',
      'States.MathAdd($.n, 1)',
      'States.UUID()',
      '$$.State.Name',
    ),
  }),
  fc.record({
    kind: fc.constant('choice'),
    op: fc.constantFrom('NumericLessThan', 'StringEquals', 'IsPresent', 'BooleanEquals'),
    value: fc.jsonValue(),
  }),
  fc.record({ kind: fc.constant('wait'), seconds: fc.integer({ min: 0, max: 100 }) }),
  fc.record({ kind: fc.constant('task'), fails: fc.boolean(), retry: fc.boolean(), catchAll: fc.boolean() }),
  fc.record({
    kind: fc.constant('map'),
    items: fc.constantFrom('$', '$.b', '$.a'),
    max: fc.integer({ min: 0, max: 3 }),
  }),
  fc.record({ kind: fc.constant('parallel'), n: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant('fail') }),
);
type StateSpec = typeof stateArb extends fc.Arbitrary<infer T> ? T : never;

function build(spec: StateSpec, next: string | null): Record<string, unknown> {
  const flow = next ? { Next: next } : { End: true };
  switch (spec.kind) {
    case 'pass':
      return { Type: 'Pass', InputPath: spec.path, Parameters: { 'v.$': spec.param }, ...flow };
    case 'choice':
      return {
        Type: 'Choice',
        Choices: [
          { Variable: '$.n', [spec.op]: spec.op === 'IsPresent' ? true : spec.value, Next: next ?? 'End' },
        ],
        Default: next ?? 'End',
      };
    case 'wait':
      return { Type: 'Wait', Seconds: spec.seconds, ...flow };
    case 'task':
      return {
        Type: 'Task',
        Resource: TASK,
        Parameters: { FunctionName: spec.fails ? 'bad' : 'good', 'Payload.$': '$' },
        ...(spec.retry ? { Retry: [{ ErrorEquals: ['Bad'], MaxAttempts: 2 }] } : {}),
        ...(spec.catchAll ? { Catch: [{ ErrorEquals: ['States.ALL'], Next: next ?? 'End' }] } : {}),
        ...flow,
      };
    case 'map':
      return {
        Type: 'Map',
        ItemsPath: spec.items,
        MaxConcurrency: spec.max,
        ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Pass', End: true } } },
        ...flow,
      };
    case 'parallel':
      return {
        Type: 'Parallel',
        Branches: Array.from({ length: spec.n }, (_, i) => ({
          StartAt: `B${i}`,
          States: { [`B${i}`]: { Type: 'Pass', End: true } },
        })),
        ...flow,
      };
    case 'fail':
      return { Type: 'Fail', Error: 'Failed', Cause: 'by design' };
  }
}

function machineOf(specs: StateSpec[]): Record<string, unknown> {
  const states: Record<string, unknown> = { End: { Type: 'Succeed' } };
  specs.forEach((s, i) => {
    states[`S${i}`] = build(s, i + 1 < specs.length ? `S${i + 1}` : null);
  });
  return { StartAt: 'S0', States: states };
}

const resources = {
  good: (i: unknown) => i,
  bad: () => {
    throw Object.assign(new Error('bad'), { name: 'Bad' });
  },
};

describe('the engine on generated valid definitions (property)', () => {
  it('always ends with a final status and never throws a non-ASL error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(stateArb, { minLength: 1, maxLength: 6 }),
        fc.jsonValue(),
        async (specs, input) => {
          const def = machineOf(specs);
          const problems = validateDefinition(def);
          if (problems.some((p) => !p.message.includes('not reachable')))
            throw new Error(JSON.stringify(problems));
          if (problems.length > 0) return;
          try {
            const r = await runExecution(parseStateMachine(def), input, { resources });
            expect(['SUCCEEDED', 'FAILED']).toContain(r.status);
            expect(r.history.map((e) => e.id)).toEqual(r.history.map((_, i) => i + 1));
            if (r.status === 'FAILED') expect(typeof r.error).toBe('string');
          } catch (e) {
            expect(e).toBeInstanceOf(AslError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
