/**
 * Edge cases of the packed machine: exact values leading to several states,
 * one operator on several fields, arrays (of objects) in events, null versus
 * missing, numbers versus strings, states packed again as rules are added one
 * by one, and many rules at once. Each expectation is also checked against the
 * rule-by-rule reference.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { event, pattern } from '../pattern/arbitraries.test-helpers.js';
import { matchesPattern } from '../reference.js';
import { compileRules, type RuleInput } from './compile.js';

function expectMatches(rules: readonly RuleInput[], e: unknown, ids: readonly string[]): void {
  const reference = rules.filter((r) => matchesPattern(r.pattern, e)).map((r) => r.id);
  expect(reference).toEqual(ids);
  expect(compileRules(rules).match(e)).toEqual(ids);
}

const rules = (...patterns: unknown[]): RuleInput[] =>
  patterns.map((pattern, i) => ({ id: `r${i}`, pattern }));

describe('the packed machine', () => {
  it('follows an exact value to every state it leads to', () => {
    const rs = rules({ a: ['x', 'y'] }, { a: ['x'] }, { a: ['x'], b: ['z'] }, { a: ['y'], b: ['z'] });
    expectMatches(rs, { a: 'x', b: 'z' }, ['r0', 'r1', 'r2']);
    expectMatches(rs, { a: ['x', 'y'], b: 'z' }, ['r0', 'r1', 'r2', 'r3']);
    expectMatches(rs, { a: 'y' }, ['r0']);
  });

  it('judges one operator on each field separately', () => {
    const rs = rules(
      { a: [{ prefix: 'p' }], b: [{ prefix: 'p' }] },
      { a: [{ numeric: ['>', 1] }], b: [{ numeric: ['>', 1] }] },
      { a: [{ 'anything-but': 'p1' }], b: [{ 'anything-but': 'p1' }] },
    );
    expectMatches(rs, { a: 'p1', b: 'q' }, []);
    expectMatches(rs, { a: 'p1', b: 'p2' }, ['r0']);
    expectMatches(rs, { a: 2, b: 0 }, ['r2']);
    expectMatches(rs, { a: 2, b: 3 }, ['r1', 'r2']);
  });

  it('mixes exact values, other operators and exists in one condition', () => {
    const rs = rules(
      { a: ['x', { prefix: 'y' }, { numeric: ['<', 0] }] },
      { a: ['x', { exists: false }] },
      { a: [{ exists: true }, 'never'] },
    );
    expectMatches(rs, { a: 'x' }, ['r0', 'r1', 'r2']);
    expectMatches(rs, { a: 'yz' }, ['r0', 'r2']);
    expectMatches(rs, { a: -1 }, ['r0', 'r2']);
    expectMatches(rs, { b: 1 }, ['r1']);
  });

  it('matches values inside arrays of objects, field by field', () => {
    const rs = rules(
      { d: { items: { id: ['b'], n: [{ numeric: ['>=', 5] }] } } },
      { d: { items: { id: [{ 'anything-but': ['a', 'b'] }] } } },
      { d: { items: { id: [{ suffix: 'c' }] } } },
      { d: { items: { gone: [{ exists: false }] } } },
    );
    expectMatches(
      rs,
      {
        d: {
          items: [
            { id: 'a', n: 1 },
            { id: 'b', n: 5 },
          ],
        },
      },
      ['r0', 'r3'],
    );
    expectMatches(rs, { d: { items: [{ id: 'a' }, { id: 'bc' }] } }, ['r1', 'r2', 'r3']);
    expectMatches(rs, { d: { items: [] } }, ['r3']);
  });

  it('tells null from missing and numbers from strings', () => {
    const rs = rules(
      { a: [null] },
      { a: [{ exists: false }] },
      { a: [{ exists: true }] },
      { a: [1] },
      { a: ['1'] },
      { a: [{ 'anything-but': [1] }] },
      { a: [{ 'equals-ignore-case': 'X' }] },
    );
    expectMatches(rs, { a: null }, ['r0', 'r2', 'r5']);
    expectMatches(rs, {}, ['r1']);
    expectMatches(rs, { a: 1 }, ['r2', 'r3']);
    expectMatches(rs, { a: '1' }, ['r2', 'r4', 'r5']);
    expectMatches(rs, { a: 'x' }, ['r2', 'r5', 'r6']);
  });

  it('keeps matching right while rules are added one by one (states packed again)', () => {
    const matcher = compileRules([]);
    const live: RuleInput[] = [];
    for (let i = 0; i < 400; i++) {
      const rule = {
        id: `r${i}`,
        pattern: { source: [`s${i % 7}`], detail: { n: [{ numeric: ['>', i % 50] }] } },
      };
      matcher.add(rule);
      live.push(rule);
      const e = { source: `s${i % 7}`, detail: { n: (i * 13) % 60 } };
      expect(matcher.match(e)).toEqual(live.filter((r) => matchesPattern(r.pattern, e)).map((r) => r.id));
    }
  });

  it('returns exactly what the reference returns with many rules at once (property)', () => {
    fc.assert(
      fc.property(
        fc.array(pattern, { minLength: 20, maxLength: 60 }),
        fc.array(event, { minLength: 1, maxLength: 10 }),
        (ps, es) => {
          const rs = rules(...ps);
          const matcher = compileRules(rs, { maxLength: Number.POSITIVE_INFINITY });
          for (const e of es) {
            expect(matcher.match(e)).toEqual(rs.filter((r) => matchesPattern(r.pattern, e)).map((r) => r.id));
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
