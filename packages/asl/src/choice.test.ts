import { describe, expect, it } from 'vitest';
import { compileRule, compileWildcard } from './choice.js';
import type { Env } from './env.js';
import { AslError } from './errors.js';
import { MISSING } from './json-path.js';
import { seeded } from './random.js';

const env: Env = {
  context: () => ({}),
  variable: (n) => (n === 'limit' ? 10 : MISSING),
  variables: () => ({ limit: 10 }),
  random: seeded({ seed: 1 }),
};
const check = (rule: Record<string, unknown>, input: unknown) => compileRule(rule)(input, env);

describe('Choice rules', () => {
  it('compares strings, numbers, booleans and timestamps', () => {
    const input = { s: 'b', n: 5, b: true, t: '2024-01-02T00:00:00Z' };
    expect(check({ Variable: '$.s', StringEquals: 'b' }, input)).toBe(true);
    expect(check({ Variable: '$.s', StringLessThan: 'c' }, input)).toBe(true);
    expect(check({ Variable: '$.s', StringGreaterThanEquals: 'b' }, input)).toBe(true);
    expect(check({ Variable: '$.s', StringLessThanEquals: 'a' }, input)).toBe(false);
    expect(check({ Variable: '$.s', StringGreaterThan: 'a' }, input)).toBe(true);
    expect(check({ Variable: '$.n', NumericEquals: 5 }, input)).toBe(true);
    expect(check({ Variable: '$.n', NumericLessThan: 5 }, input)).toBe(false);
    expect(check({ Variable: '$.n', NumericLessThanEquals: 5 }, input)).toBe(true);
    expect(check({ Variable: '$.n', NumericGreaterThan: 4.5 }, input)).toBe(true);
    expect(check({ Variable: '$.n', NumericGreaterThanEquals: 6 }, input)).toBe(false);
    expect(check({ Variable: '$.b', BooleanEquals: true }, input)).toBe(true);
    expect(check({ Variable: '$.t', TimestampEquals: '2024-01-02T00:00:00.000Z' }, input)).toBe(true);
    expect(check({ Variable: '$.t', TimestampLessThan: '2024-01-03T00:00:00Z' }, input)).toBe(true);
    expect(check({ Variable: '$.t', TimestampGreaterThan: '2024-01-03T00:00:00Z' }, input)).toBe(false);
    expect(check({ Variable: '$.t', TimestampLessThanEquals: '2024-01-02T00:00:00Z' }, input)).toBe(true);
    expect(check({ Variable: '$.t', TimestampGreaterThanEquals: '2024-01-02T01:00:00+01:00' }, input)).toBe(
      true,
    );
  });
  it('a type mismatch does not match', () => {
    expect(check({ Variable: '$.n', StringEquals: '5' }, { n: 5 })).toBe(false);
    expect(check({ Variable: '$.n', NumericEquals: 5 }, { n: '5' })).toBe(false);
  });
  it('supports the Path forms against the input and variables', () => {
    expect(check({ Variable: '$.a', NumericLessThanPath: '$.b' }, { a: 1, b: 2 })).toBe(true);
    expect(check({ Variable: '$.a', StringEqualsPath: '$.b' }, { a: 'x', b: 'x' })).toBe(true);
    expect(check({ Variable: '$.a', NumericGreaterThanPath: '$limit' }, { a: 11 })).toBe(true);
    expect(check({ Variable: '$.a', BooleanEqualsPath: '$.b' }, { a: true, b: true })).toBe(true);
    expect(
      check(
        { Variable: '$.a', TimestampEqualsPath: '$.b' },
        { a: '2024-01-01T00:00:00Z', b: '2024-01-01T00:00:00Z' },
      ),
    ).toBe(true);
  });
  it('StringMatches with wildcards and escapes (developer guide example)', () => {
    expect(check({ Variable: '$.f', StringMatches: 'log-*.txt' }, { f: 'log-2024.txt' })).toBe(true);
    expect(check({ Variable: '$.f', StringMatches: 'log-*.txt' }, { f: 'log-2024.csv' })).toBe(false);
    expect(compileWildcard('a\\*b').test('a*b')).toBe(true);
    expect(compileWildcard('a\\*b').test('axb')).toBe(false);
    expect(compileWildcard('a\\\\*').test('a\\xyz')).toBe(true);
  });
  it('type tests: IsNull, IsPresent, IsNumeric, IsString, IsBoolean, IsTimestamp', () => {
    const input = { z: null, n: 1, s: 's', b: false, t: '2016-03-14T01:59:00Z' };
    expect(check({ Variable: '$.z', IsNull: true }, input)).toBe(true);
    expect(check({ Variable: '$.missing', IsPresent: false }, input)).toBe(true);
    expect(check({ Variable: '$.n', IsPresent: true }, input)).toBe(true);
    expect(check({ Variable: '$.n', IsNumeric: true }, input)).toBe(true);
    expect(check({ Variable: '$.s', IsString: true }, input)).toBe(true);
    expect(check({ Variable: '$.b', IsBoolean: true }, input)).toBe(true);
    expect(check({ Variable: '$.t', IsTimestamp: true }, input)).toBe(true);
    expect(check({ Variable: '$.s', IsTimestamp: false }, input)).toBe(true);
  });
  it('combines with And, Or and Not', () => {
    const rule = {
      Or: [
        {
          And: [
            { Variable: '$.a', NumericGreaterThan: 1 },
            { Variable: '$.a', NumericLessThan: 3 },
          ],
        },
        { Not: { Variable: '$.b', StringEquals: 'x' } },
      ],
    };
    expect(check(rule, { a: 2, b: 'x' })).toBe(true);
    expect(check(rule, { a: 5, b: 'x' })).toBe(false);
    expect(check(rule, { a: 5, b: 'y' })).toBe(true);
  });
  it('a missing Variable is a States.Runtime error', () => {
    expect(() => check({ Variable: '$.nope', StringEquals: 'x' }, {})).toThrow(AslError);
  });
});
