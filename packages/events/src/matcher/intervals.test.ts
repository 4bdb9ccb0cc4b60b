/** Stabbing many numeric intervals at once, against testing each interval. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Interval, Intervals } from './intervals.js';

function holds(r: Interval, v: number): boolean {
  return (r.loOpen ? v > r.lo : v >= r.lo) && (r.hiOpen ? v < r.hi : v <= r.hi);
}

/** `budget` 0 puts every interval in the segment tree. */
function stabbed(intervals: readonly Interval[], v: number, budget = Number.POSITIVE_INFINITY): number[] {
  const index = Intervals.build(intervals, budget);
  const found: number[] = [];
  index.find(v, { visit: (t) => found.push(t) });
  return found.sort((a, b) => a - b);
}

const range = (lo: number, loOpen: boolean, hi: number, hiOpen: boolean, target: number): Interval => ({
  lo,
  loOpen,
  hi,
  hiOpen,
  target,
});

describe('Intervals', () => {
  const rs = [
    range(0, false, 10, false, 0),
    range(0, true, 10, true, 1),
    range(5, false, 5, false, 2),
    range(Number.NEGATIVE_INFINITY, true, 5, true, 3),
    range(5, true, Number.POSITIVE_INFINITY, true, 4),
    range(10, false, 20, true, 5),
  ];

  it('tells open from closed ends, equal bounds and unbounded sides', () => {
    expect(stabbed(rs, 0)).toEqual([0, 3]);
    expect(stabbed(rs, 5)).toEqual([0, 1, 2]);
    expect(stabbed(rs, 10)).toEqual([0, 4, 5]);
    expect(stabbed(rs, 20)).toEqual([4]);
    expect(stabbed(rs, -1e9)).toEqual([3]);
    expect(stabbed(rs, 5e9)).toEqual([4]);
    expect(stabbed(rs, 5.000001)).toEqual([0, 1, 4]);
    expect(stabbed(rs, -0)).toEqual([0, 3]);
  });

  it('stabs long overlapping intervals through the segment tree alike', () => {
    const long = Array.from({ length: 50 }, (_, i) => range(i, i % 2 === 0, 100 + i, i % 3 === 0, i));
    for (const v of [-1, 0, 0.5, 25, 49, 50, 100, 120, 149, 150]) {
      expect(stabbed(long, v, 0)).toEqual(stabbed(long, v));
      expect(stabbed(long, v, 0)).toEqual(long.filter((r) => holds(r, v)).map((r) => r.target));
    }
    expect(stabbed(rs, 5, 0)).toEqual([0, 1, 2]);
  });

  it('finds exactly the intervals holding a value (property)', () => {
    const bound = fc.oneof(fc.integer({ min: -20, max: 20 }), fc.constantFrom(0.5, -0.5, 1e9));
    const interval = fc
      .record({ a: bound, b: bound, loOpen: fc.boolean(), hiOpen: fc.boolean(), loInf: fc.boolean() })
      .map(({ a, b, loOpen, hiOpen, loInf }) => ({
        lo: loInf ? Number.NEGATIVE_INFINITY : Math.min(a, b),
        loOpen: loInf || loOpen,
        hi: Math.max(a, b),
        hiOpen,
        target: 0,
      }));
    fc.assert(
      fc.property(fc.array(interval, { maxLength: 30 }), fc.array(bound, { minLength: 1 }), (raw, vs) => {
        const intervals = raw.map((r, i) => ({ ...r, target: i }));
        for (const v of [...vs, ...vs.map((x) => x + 0.25)]) {
          const expected = intervals.filter((r) => holds(r, v)).map((r) => r.target);
          expect(stabbed(intervals, v)).toEqual(expected);
          expect(stabbed(intervals, v, 0)).toEqual(expected);
        }
      }),
      { numRuns: 300 },
    );
  });
});
