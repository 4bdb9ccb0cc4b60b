import { describe, expect, it } from 'vitest';
import type { Env } from './env.js';
import { AslError } from './errors.js';
import { evaluateIntrinsic } from './intrinsics.js';
import { parseIntrinsic } from './intrinsics-parse.js';
import { MISSING } from './json-path.js';
import { seeded } from './random.js';

const env = (vars: Record<string, unknown> = {}): Env => ({
  context: () => ({ Execution: { Name: 'exec-1' } }),
  variable: (n) => (Object.hasOwn(vars, n) ? vars[n] : MISSING),
  variables: () => vars,
  random: seeded({ seed: 42 }),
});

const run = (src: string, input: unknown = {}, e = env()) => evaluateIntrinsic(parseIntrinsic(src), input, e);

function failure(src: string, input: unknown = {}): string {
  try {
    run(src, input);
  } catch (e) {
    if (e instanceof AslError) return e.error;
    throw e;
  }
  throw new Error('expected a failure');
}

describe('intrinsic functions (examples from the AWS developer guide)', () => {
  it('States.Format', () => {
    expect(run("States.Format('Hello, my name is {}.', $.name)", { name: 'Arnav' })).toBe(
      'Hello, my name is Arnav.',
    );
    expect(run("States.Format('{} and {}', 1, true)")).toBe('1 and true');
    expect(run("States.Format('\\{\\} literal {}', 'x')")).toBe('{} literal x');
    expect(failure("States.Format('{} {}', 'a')")).toBe('States.Runtime');
  });
  it('States.StringToJson and States.JsonToString', () => {
    expect(run('States.StringToJson($.escapedJsonString)', { escapedJsonString: '{"foo": "bar"}' })).toEqual({
      foo: 'bar',
    });
    expect(run('States.JsonToString($.unescapedJson)', { unescapedJson: { foo: 'bar' } })).toBe(
      '{"foo":"bar"}',
    );
    expect(failure("States.StringToJson('{x')")).toBe('States.Runtime');
  });
  it('States.Array', () => {
    expect(run("States.Array('Foo', 2020, $.someJson, null)", { someJson: { random: 'abcdefg' } })).toEqual([
      'Foo',
      2020,
      { random: 'abcdefg' },
      null,
    ]);
  });
  it('States.ArrayPartition', () => {
    expect(
      run('States.ArrayPartition($.inputArray, 4)', { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9] }),
    ).toEqual([[1, 2, 3, 4], [5, 6, 7, 8], [9]]);
    expect(failure('States.ArrayPartition($.a, 0)', { a: [1] })).toBe('States.Runtime');
  });
  it('States.ArrayContains', () => {
    expect(
      run('States.ArrayContains($.inputArray, $.lookingFor)', {
        inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9],
        lookingFor: 5,
      }),
    ).toBe(true);
    expect(run('States.ArrayContains($.a, $.b)', { a: [{ x: 1 }], b: { x: 1 } })).toBe(true);
  });
  it('States.ArrayRange', () => {
    expect(run('States.ArrayRange(1, 9, 2)')).toEqual([1, 3, 5, 7, 9]);
    expect(run('States.ArrayRange(5, 1, -2)')).toEqual([5, 3, 1]);
    expect(failure('States.ArrayRange(1, 2000, 1)')).toBe('States.Runtime');
    expect(failure('States.ArrayRange(1, 2, 0)')).toBe('States.Runtime');
  });
  it('States.ArrayGetItem, ArrayLength, ArrayUnique', () => {
    expect(
      run('States.ArrayGetItem($.inputArray, $.index)', {
        inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9],
        index: 5,
      }),
    ).toBe(6);
    expect(run('States.ArrayLength($.inputArray)', { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9] })).toBe(9);
    expect(run('States.ArrayUnique($.inputArray)', { inputArray: [1, 2, 3, 3, 3, 3, 3, 3, 4] })).toEqual([
      1, 2, 3, 4,
    ]);
    expect(failure('States.ArrayGetItem($.a, 3)', { a: [1] })).toBe('States.Runtime');
  });
  it('States.Base64Encode and Base64Decode', () => {
    expect(run('States.Base64Encode($.input)', { input: 'Data to encode' })).toBe('RGF0YSB0byBlbmNvZGU=');
    expect(run('States.Base64Decode($.base64)', { base64: 'RGF0YSB0byBlbmNvZGU=' })).toBe('Data to encode');
    expect(run("States.Base64Decode(States.Base64Encode('héllo ✓'))")).toBe('héllo ✓');
    expect(failure("States.Base64Decode('***')")).toBe('States.Runtime');
  });
  it('States.Hash', () => {
    expect(run('States.Hash($.Data, $.Algorithm)', { Data: 'input data', Algorithm: 'SHA-1' })).toBe(
      'aaff4a450a104cd177d28d18d74485e8cae074b7',
    );
    expect(run("States.Hash('abc', 'MD5')")).toBe('900150983cd24fb0d6963f7d28e17f72');
    expect(run("States.Hash('abc', 'SHA-256')")).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(failure("States.Hash('abc', 'SHA-3')")).toBe('States.Runtime');
  });
  it('States.JsonMerge', () => {
    const input = { json1: { a: { a1: 1, a2: 2 }, b: 2 }, json2: { a: { a3: 1, a4: 2 }, c: 3 } };
    expect(run('States.JsonMerge($.json1, $.json2, false)', input)).toEqual({
      a: { a3: 1, a4: 2 },
      b: 2,
      c: 3,
    });
    expect(failure('States.JsonMerge($.json1, $.json2, true)', input)).toBe('States.Runtime');
  });
  it('States.MathRandom is deterministic for a seed and in range', () => {
    const a = run('States.MathRandom(1, 999)', {}, env());
    const b = run('States.MathRandom(1, 999)', {}, env());
    expect(a).toBe(b);
    expect(a).toBeGreaterThanOrEqual(1);
    expect(a).toBeLessThan(999);
  });
  it('States.MathAdd', () => {
    expect(run('States.MathAdd($.value1, $.step)', { value1: 111, step: -1 })).toBe(110);
    expect(failure('States.MathAdd(1.5, 1)')).toBe('States.Runtime');
  });
  it('States.StringSplit', () => {
    expect(
      run('States.StringSplit($.inputString, $.splitter)', { inputString: '1,2,3,4,5', splitter: ',' }),
    ).toEqual(['1', '2', '3', '4', '5']);
    expect(
      run('States.StringSplit($.inputString, $.splitter)', {
        inputString: 'This.is+a,test=string',
        splitter: '.+,=',
      }),
    ).toEqual(['This', 'is', 'a', 'test', 'string']);
  });
  it('States.StringSplit keeps empty strings between consecutive delimiters', () => {
    expect(run("States.StringSplit('a,,b', ',')")).toEqual(['a', '', 'b']);
  });
  it('States.UUID makes a v4 UUID, the same for the same seed', () => {
    const u = run('States.UUID()');
    expect(u).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(run('States.UUID()')).toBe(u);
  });
  it('reads the context object and variables', () => {
    expect(run("States.Format('{}-{}', $$.Execution.Name, $x)", {}, env({ x: 7 }))).toBe('exec-1-7');
  });
  it('nests calls', () => {
    expect(run('States.ArrayLength(States.Array(1, 2, States.MathAdd(1, 2)))')).toBe(3);
  });
  it('checks argument counts when parsing, as validation does', () => {
    expect(() => parseIntrinsic('States.MathAdd(1)')).toThrow(/takes 2 arguments, got 1/);
    expect(() => parseIntrinsic('States.UUID(1)')).toThrow(/takes 0 arguments/);
    expect(() => parseIntrinsic('States.Format($.a)')).toThrow(/string literal/);
    expect(() => parseIntrinsic('States.MathRandom(1, 2, 3)')).not.toThrow();
  });
  it('rejects bad syntax', () => {
    expect(() => parseIntrinsic('States.Nope(1)')).toThrow(/unknown intrinsic/);
    expect(() => parseIntrinsic('States.Array(1')).toThrow();
  });
});
