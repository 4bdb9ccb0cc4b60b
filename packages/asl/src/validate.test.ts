import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AslError } from './errors.js';
import { AslValidationError, parseStateMachine, runExecution, validateDefinition } from './index.js';

const paths = (def: unknown) => validateDefinition(def).map((p) => p.path);

describe('validateDefinition', () => {
  it('accepts a valid definition', () => {
    expect(validateDefinition({ StartAt: 'A', States: { A: { Type: 'Succeed' } } })).toEqual([]);
  });
  it('reports every problem at once with JSON pointers', () => {
    const problems = paths({
      StartAt: 'Nope',
      States: {
        A: { Type: 'Pass', Next: 'Missing' },
        B: { Type: 'Bogus' },
        C: { Type: 'Task', End: true, Retry: [{ ErrorEquals: ['States.ALL'] }, { ErrorEquals: ['X'] }] },
      },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        '/StartAt',
        '/States/A/Next',
        '/States/B/Type',
        '/States/C/Resource',
        '/States/C/Retry/0/ErrorEquals',
      ]),
    );
  });
  it('reports unreachable states, a missing terminal and fields not allowed', () => {
    expect(paths({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'A' } } })).toContain('/States');
    expect(paths({ StartAt: 'A', States: { A: { Type: 'Succeed' }, B: { Type: 'Succeed' } } })).toEqual([
      '/States/B',
    ]);
    expect(paths({ StartAt: 'A', States: { A: { Type: 'Succeed', Result: 1 } } })).toEqual([
      '/States/A/Result',
    ]);
  });
  it('checks Retry ranges, JitterStrategy and Catch targets', () => {
    const p = paths({
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: 'arn:x',
          Retry: [
            {
              ErrorEquals: ['A'],
              IntervalSeconds: 0,
              MaxAttempts: -1,
              BackoffRate: 0.5,
              MaxDelaySeconds: 0,
              JitterStrategy: 'SOME',
            },
          ],
          Catch: [{ ErrorEquals: ['A'], Next: 'Z' }],
          End: true,
        },
      },
    });
    expect(p.sort()).toEqual(
      [
        '/States/T/Catch/0/Next',
        '/States/T/Retry/0/BackoffRate',
        '/States/T/Retry/0/IntervalSeconds',
        '/States/T/Retry/0/JitterStrategy',
        '/States/T/Retry/0/MaxAttempts',
        '/States/T/Retry/0/MaxDelaySeconds',
      ].sort(),
    );
  });
  it('checks paths, intrinsics, Choice rules and Wait fields', () => {
    const p = paths({
      StartAt: 'C',
      States: {
        C: { Type: 'Choice', Choices: [{ Variable: '$.a', Bogus: 1, Next: 'W' }], Default: 'W' },
        W: { Type: 'Wait', Seconds: 1, Timestamp: '2024-01-01T00:00:00Z', Next: 'P' },
        P: { Type: 'Pass', InputPath: 'bad', Parameters: { 'x.$': 'States.Nope()' }, Next: 'M' },
        M: { Type: 'Map', End: true },
      },
    });
    expect(p).toEqual(
      expect.arrayContaining([
        '/States/C/Choices/0',
        '/States/W',
        '/States/P/InputPath',
        '/States/P/Parameters',
        '/States/M',
      ]),
    );
  });
  it('checks variable names in Assign', () => {
    expect(
      paths({
        StartAt: 'A',
        States: { A: { Type: 'Pass', Assign: { ok: 1, 'fine.$': '$', states: 1, '1bad': 2 }, End: true } },
      }),
    ).toEqual(['/States/A/Assign/states', '/States/A/Assign/1bad']);
  });
  it('validates nested Parallel branches and Map processors', () => {
    const p = paths({
      StartAt: 'P',
      States: {
        P: { Type: 'Parallel', Branches: [{ StartAt: 'X', States: { X: { Type: 'Pass' } } }], End: true },
      },
    });
    expect(p).toContain('/States/P/Branches/0/States/X');
  });
  it('never throws on arbitrary JSON (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(Array.isArray(validateDefinition(v))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
  it('never throws on arbitrary state-shaped JSON (property)', () => {
    const state = fc.record(
      {
        Type: fc.constantFrom('Pass', 'Task', 'Choice', 'Wait', 'Succeed', 'Fail', 'Parallel', 'Map', 'X'),
        Next: fc.constantFrom('A', 'B', 'Z'),
        End: fc.boolean(),
        InputPath: fc.oneof(fc.string(), fc.constant('$.a'), fc.constant(null)),
        Parameters: fc.jsonValue(),
        Choices: fc.jsonValue(),
        Branches: fc.jsonValue(),
        Retry: fc.jsonValue(),
      },
      { requiredKeys: ['Type'] },
    );
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('A', 'B', 'C'), state), (states) => {
        expect(Array.isArray(validateDefinition({ StartAt: 'A', States: states }))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('Map mode fields', () => {
  const map = (extra: Record<string, unknown>, config?: Record<string, unknown>) => ({
    StartAt: 'M',
    States: {
      M: {
        Type: 'Map',
        ItemProcessor: {
          ...(config ? { ProcessorConfig: config } : {}),
          StartAt: 'P',
          States: { P: { Type: 'Pass', End: true } },
        },
        End: true,
        ...extra,
      },
    },
  });
  it('rejects distributed-only fields in an inline Map', () => {
    expect(paths(map({ ItemBatcher: { MaxItemsPerBatch: 2 }, Label: 'x' }))).toEqual([
      '/States/M/ItemBatcher',
      '/States/M/Label',
    ]);
  });
  it('checks ProcessorConfig, ItemBatcher, ItemReader and Label in a distributed Map', () => {
    const distributed = { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' };
    expect(
      paths(
        map(
          { ItemBatcher: { MaxItemsPerBatch: 2 }, Label: 'ok', ToleratedFailurePercentage: 5 },
          distributed,
        ),
      ),
    ).toEqual([]);
    expect(
      paths(
        map({ ItemBatcher: { MaxItemsPerBatch: 0, Bogus: 1 }, ItemReader: {}, Label: 'a b' }, distributed),
      ).sort(),
    ).toEqual(
      [
        '/States/M/ItemBatcher/Bogus',
        '/States/M/ItemBatcher/MaxItemsPerBatch',
        '/States/M/ItemReader/Resource',
        '/States/M/Label',
      ].sort(),
    );
    expect(paths(map({}, { Mode: 'DISTRIBUTED' }))).toEqual([
      '/States/M/ItemProcessor/ProcessorConfig/ExecutionType',
    ]);
    expect(paths(map({}, { Mode: 'OTHER' }))).toEqual(['/States/M/ItemProcessor/ProcessorConfig/Mode']);
  });
  it('rejects unknown top-level fields', () => {
    expect(paths({ StartAt: 'A', Foo: 1, States: { A: { Type: 'Succeed' } } })).toEqual(['/Foo']);
  });
});

describe('parseStateMachine', () => {
  it('throws AslValidationError with problems', () => {
    try {
      parseStateMachine({ StartAt: 'A', States: {} });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AslValidationError);
      expect((e as AslValidationError).problems.length).toBeGreaterThan(0);
    }
  });
  it('accepts a JSON string', () => {
    expect(parseStateMachine('{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}').root.startAt).toBe('A');
    expect(() => parseStateMachine('{')).toThrow(AslValidationError);
  });
});

describe('the engine on valid definitions (property)', () => {
  const passLike = fc.record({
    Type: fc.constant('Pass'),
    InputPath: fc.constantFrom(undefined, '$', '$.a', '$.b[0]'),
    ResultPath: fc.constantFrom(undefined, '$.r', null, '$.a.b'),
    Parameters: fc.constantFrom(
      undefined,
      { 'x.$': '$.a' },
      { 'y.$': 'States.MathAdd($.n, 1)' },
      { 'z.$': 'States.ArrayLength($.b)' },
    ),
  });
  it('ends with a status and never throws a non-ASL error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(passLike, { minLength: 1, maxLength: 5 }),
        fc.jsonValue(),
        async (list, input) => {
          const states: Record<string, unknown> = {};
          list.forEach((s, i) => {
            const clean = Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined));
            states[`S${i}`] =
              i === list.length - 1 ? { ...clean, End: true } : { ...clean, Next: `S${i + 1}` };
          });
          const machine = parseStateMachine({ StartAt: 'S0', States: states });
          try {
            const r = await runExecution(machine, input);
            expect(['SUCCEEDED', 'FAILED']).toContain(r.status);
          } catch (e) {
            expect(e).toBeInstanceOf(AslError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
