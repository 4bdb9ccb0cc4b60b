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

  it('reads only own properties of the event', () => {
    const rs = rules({ source: ['x'] }, { source: [{ exists: false }] });
    const inherited = Object.create({ source: 'x' }) as Record<string, unknown>;
    expectMatches(rs, inherited, ['r1']);
    expectMatches(rs, Object.assign(Object.create(null), { source: 'x' }), ['r0']);
  });

  it('finds exact values among many in one state, numbers, strings, booleans and null apart', () => {
    const values: unknown[] = [true, false, null, 0, -1, 1.5, '0', '', 'true', 'null'];
    for (let i = 0; i < 300; i++) values.push(`v${i}`, i * 7);
    const rs = values.map((v, i) => ({ id: `r${i}`, pattern: { a: [v], b: [{ exists: i % 2 === 0 }] } }));
    const matcher = compileRules(rs);
    for (const v of [...values, 'v300', 7.5, -0, 'False']) {
      for (const e of [{ a: v }, { a: [v, 'v1'], b: 1 }]) {
        expect(matcher.match(e)).toEqual(rs.filter((r) => matchesPattern(r.pattern, e)).map((r) => r.id));
      }
    }
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

  it('indexes many conditions of one operator on one field (operator-index.ts)', () => {
    const many = (n: number, f: (i: number) => unknown): unknown[] =>
      Array.from({ length: n }, (_, i) => f(i));
    const rs = rules(
      ...many(12, (i) => ({ a: [{ prefix: `p${'x'.repeat(i % 4)}${i % 3}` }] })),
      ...many(8, (i) => ({ a: [{ suffix: `.${'e'.repeat(i)}` }] })),
      ...many(8, (i) => ({ a: [{ prefix: { 'equals-ignore-case': `É${'Σ'.repeat(i)}` } }] })),
      ...many(8, (i) => ({ a: [{ suffix: { 'equals-ignore-case': `${'İ'.repeat(i % 3)}Z${i}` } }] })),
      ...many(8, (i) => ({ a: [{ 'equals-ignore-case': `ÀB${i % 5}` }] })),
      ...many(10, (i) => ({ n: [{ numeric: i % 2 ? ['>', i, '<=', i + 5] : ['>=', i, '<', i + 5] }] })),
      ...many(4, (i) => ({ n: [{ numeric: ['=', i * 2] }] })),
      ...many(6, (i) => ({ n: [{ numeric: [i % 2 ? '<' : '>', 4e9 - i] }] })),
      ...many(8, (i) => ({ ip: [{ cidr: `10.${i}.0.0/${8 + 2 * i}` }] })),
      { a: [{ prefix: '' }] },
      { a: [{ suffix: '' }] },
      { a: [{ prefix: 'q' }, { suffix: 'q' }, { 'equals-ignore-case': 'Q' }] },
    );
    const events = [
      ...['px1', 'pxx2', 'pxxx0', 'p', 'q', 'Q', 'x.eee', 'éσσσ', 'ÉΣ', 'İZ4', 'i̇z4', 'z1', 'àb3', 'ÀB3', ''],
      ...[0, 2, 4, 5, 6, 10, 14, 15, 4e9, 4e9 - 3, 5e9, 5.5e9, -6e9],
      ...['10.0.1.2', '10.1.255.255', '10.3.0.1', '10.7.0.0', '11.0.0.0', '10.2.0'],
    ];
    const matcher = compileRules(rs);
    for (const v of events) {
      for (const e of [
        { a: v, n: v, ip: v },
        { a: [v, 'pxx1'], n: [v, 3], ip: [v] },
      ]) {
        expect(matcher.match(e)).toEqual(rs.filter((r) => matchesPattern(r.pattern, e)).map((r) => r.id));
      }
    }
  });

  it('keeps indexed operators right while rules are removed and added again', () => {
    const all = Array.from({ length: 30 }, (_, i) => ({
      id: `r${i}`,
      pattern: { s: ['x'], a: [i % 2 ? { prefix: `v${i % 7}` } : { numeric: ['>', i % 9, '<=', 20] }] },
    }));
    const matcher = compileRules(all);
    const live = new Map(all.map((r) => [r.id, r]));
    for (const [step, rule] of all.entries()) {
      if (step % 3 === 0) {
        matcher.remove(rule.id);
        live.delete(rule.id);
      } else if (step % 3 === 1) {
        matcher.add(rule);
        live.set(rule.id, rule);
      }
      for (const a of ['v3x', 'v1', 5, 15, 21]) {
        const e = { s: 'x', a };
        const expected = [...all]
          .filter((r) => live.has(r.id) && matchesPattern(r.pattern, e))
          .map((r) => r.id);
        expect([...matcher.match(e)].sort()).toEqual(expected.sort());
      }
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
