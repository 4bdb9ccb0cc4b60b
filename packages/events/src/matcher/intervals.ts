/**
 * Many numeric intervals of one state and field, stabbed by one binary search:
 * the distinct finite bounds, sorted, cut the line into elementary pieces
 * (below the first bound, each bound itself, between two bounds, above the
 * last), and each piece lists the targets of the intervals covering it. A
 * value's piece is found in log(bounds) steps and its list is exactly the
 * intervals holding the value, open and closed ends included.
 *
 * Piece numbers for m bounds b0 < b1 < ...: 2i is the gap just below b_i
 * (2m the one above the last), 2i + 1 is b_i itself.
 */

/** One interval and where it leads. */
export interface Interval {
  readonly lo: number;
  readonly loOpen: boolean;
  readonly hi: number;
  readonly hiOpen: boolean;
  readonly target: number;
}

/** Receives the targets a structure finds. */
export interface Visitor {
  visit(target: number): void;
}

/** Index of the first bound >= v (bounds.length when none). */
function lowerBound(bounds: Float64Array, v: number): number {
  let lo = 0;
  let hi = bounds.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((bounds[mid] as number) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function distinctBounds(intervals: readonly Interval[]): Float64Array {
  const all = new Set<number>();
  for (const { lo, hi } of intervals) {
    if (Number.isFinite(lo)) all.add(lo);
    if (Number.isFinite(hi)) all.add(hi);
  }
  return Float64Array.from(all).sort();
}

export class Intervals {
  /** Piece p lists targets[starts[p]..starts[p + 1]). */
  private constructor(
    private readonly bounds: Float64Array,
    private readonly starts: Int32Array,
    private readonly targets: Int32Array,
  ) {}

  /**
   * The intervals as pieces, or null when listing them per piece would take
   * more than `budget` entries (many long, overlapping intervals).
   */
  static build(intervals: readonly Interval[], budget: number): Intervals | null {
    const bounds = distinctBounds(intervals);
    const pieces = 2 * bounds.length + 1;
    const spans = intervals.map((r) => Intervals.span(bounds, r));
    let total = 0;
    for (const [first, last] of spans) total += Math.max(0, last - first + 1);
    if (total > budget) return null;
    const counts = new Int32Array(pieces + 1);
    for (const [first, last] of spans)
      for (let p = first; p <= last; p++) counts[p + 1] = (counts[p + 1] as number) + 1;
    for (let p = 0; p < pieces; p++) counts[p + 1] = (counts[p + 1] as number) + (counts[p] as number);
    const fill = counts.slice(0, pieces);
    const targets = new Int32Array(total);
    for (const [i, [first, last]] of spans.entries()) {
      const target = (intervals[i] as Interval).target;
      for (let p = first; p <= last; p++) {
        const at = fill[p] as number;
        targets[at] = target;
        fill[p] = at + 1;
      }
    }
    return new Intervals(bounds, counts, targets);
  }

  /** First and last piece an interval covers (first > last when it covers none). */
  private static span(bounds: Float64Array, r: Interval): [number, number] {
    const pieces = 2 * bounds.length + 1;
    const first = Number.isFinite(r.lo) ? 2 * lowerBound(bounds, r.lo) + (r.loOpen ? 2 : 1) : 0;
    const last = Number.isFinite(r.hi) ? 2 * lowerBound(bounds, r.hi) + (r.hiOpen ? 0 : 1) : pieces - 1;
    return [first, last];
  }

  /** Visits the target of every interval holding `v` (a finite number). */
  find(v: number, visitor: Visitor): void {
    const bounds = this.bounds;
    const i = lowerBound(bounds, v);
    const piece = i < bounds.length && bounds[i] === v ? 2 * i + 1 : 2 * i;
    const end = this.starts[piece + 1] as number;
    for (let k = this.starts[piece] as number; k < end; k++) visitor.visit(this.targets[k] as number);
  }
}
