/**
 * Many numeric intervals of one state and field, stabbed by one binary search:
 * the distinct finite bounds, sorted, cut the line into elementary pieces
 * (below the first bound, each bound itself, between two bounds, above the
 * last), and each piece lists the targets of the intervals covering it. A
 * value's piece is found in log(bounds) steps and its list is exactly the
 * intervals holding the value, open and closed ends included. When many
 * long intervals overlap, listing them per piece would grow quadratically;
 * they go into a segment tree over the pieces instead (n log n entries, a
 * value reads the lists of its piece's log(pieces) ancestors).
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

/** Lists per node, as offsets into one array of targets. */
function lists(nodes: number, pairs: readonly number[]): { starts: Int32Array; targets: Int32Array } {
  const starts = new Int32Array(nodes + 1);
  for (let k = 0; k < pairs.length; k += 2) {
    const node = pairs[k] as number;
    starts[node + 1] = (starts[node + 1] as number) + 1;
  }
  for (let n = 0; n < nodes; n++) starts[n + 1] = (starts[n + 1] as number) + (starts[n] as number);
  const fill = starts.slice(0, nodes);
  const targets = new Int32Array(pairs.length / 2);
  for (let k = 0; k < pairs.length; k += 2) {
    const node = pairs[k] as number;
    const at = fill[node] as number;
    targets[at] = pairs[k + 1] as number;
    fill[node] = at + 1;
  }
  return { starts, targets };
}

export class Intervals {
  /**
   * Node n lists targets[starts[n]..starts[n + 1]). With `leaves` 0 the nodes
   * are the pieces; otherwise they form a segment tree over the pieces
   * (leaf of piece p: leaves + p, parent of n: n >> 1), each interval listed
   * in the O(log) nodes that cover its pieces exactly.
   */
  private constructor(
    private readonly bounds: Float64Array,
    private readonly leaves: number,
    private readonly starts: Int32Array,
    private readonly targets: Int32Array,
  ) {}

  /**
   * The intervals, listed per piece while that takes at most `budget`
   * entries, else (many long, overlapping intervals) in a segment tree.
   */
  static build(intervals: readonly Interval[], budget: number): Intervals {
    const bounds = distinctBounds(intervals);
    const pieces = 2 * bounds.length + 1;
    const spans = intervals.map((r) => Intervals.span(bounds, r));
    let total = 0;
    for (const [first, last] of spans) total += Math.max(0, last - first + 1);
    const pairs: number[] = [];
    if (total <= budget) {
      for (const [i, [first, last]] of spans.entries()) {
        for (let p = first; p <= last; p++) pairs.push(p, (intervals[i] as Interval).target);
      }
      const { starts, targets } = lists(pieces, pairs);
      return new Intervals(bounds, 0, starts, targets);
    }
    let leaves = 1;
    while (leaves < pieces) leaves *= 2;
    for (const [i, [first, last]] of spans.entries()) {
      const target = (intervals[i] as Interval).target;
      for (let l = first + leaves, r = last + leaves + 1; l < r; l >>= 1, r >>= 1) {
        if (l & 1) pairs.push(l++, target);
        if (r & 1) pairs.push(--r, target);
      }
    }
    const { starts, targets } = lists(2 * leaves, pairs);
    return new Intervals(bounds, leaves, starts, targets);
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
    if (this.leaves === 0) this.visitNode(piece, visitor);
    else for (let n = piece + this.leaves; n >= 1; n >>= 1) this.visitNode(n, visitor);
  }

  private visitNode(n: number, visitor: Visitor): void {
    const end = this.starts[n + 1] as number;
    for (let k = this.starts[n] as number; k < end; k++) visitor.visit(this.targets[k] as number);
  }
}
