/**
 * Numeric ranges -> targets, answered in O(log n + k) with a segment tree over
 * "atoms": every distinct bound is an atom, and so is each open gap between bounds.
 */
import type { NumericRange } from '../pattern/types.js';

interface Entry {
  readonly range: NumericRange;
  readonly target: number;
}

/** Collects the targets of every range containing a number. */
export class NumericIndex {
  private readonly entries: Entry[] = [];
  private points: number[] = [];
  /** Dense (no holes, so element access stays fast): the targets stored at each tree node. */
  private tree: (number[] | null)[] = [];
  private sealed = true;

  /** Adds a range; the index is rebuilt on the next query. */
  add(range: NumericRange, target: number): void {
    this.entries.push({ range, target });
    this.sealed = false;
  }

  /** Calls `visit` with the target of every range that contains `v`. */
  collect(v: number, visit: (target: number) => void): void {
    if (this.entries.length === 0 || v < -5e9 || v > 5e9) return;
    if (!this.sealed) this.seal();
    let node = 1;
    let lo = 0;
    let hi = this.points.length * 2;
    const atom = this.atom(v);
    for (;;) {
      const here = this.tree[node];
      if (here !== null && here !== undefined) for (const t of here) visit(t);
      if (lo === hi) return;
      const mid = (lo + hi) >> 1;
      if (atom <= mid) {
        node = node * 2;
        hi = mid;
      } else {
        node = node * 2 + 1;
        lo = mid + 1;
      }
    }
  }

  private seal(): void {
    const set = new Set<number>();
    for (const { range } of this.entries) {
      if (Number.isFinite(range.lo)) set.add(range.lo);
      if (Number.isFinite(range.hi)) set.add(range.hi);
    }
    this.points = [...set].sort((a, b) => a - b);
    const last = this.points.length * 2;
    this.tree = new Array<number[] | null>(4 * (last + 1)).fill(null);
    for (const { range, target } of this.entries) {
      const a = Number.isFinite(range.lo) ? this.atom(range.lo) + (range.loOpen ? 1 : 0) : 0;
      const b = Number.isFinite(range.hi) ? this.atom(range.hi) - (range.hiOpen ? 1 : 0) : last;
      if (a <= b) this.insert(1, 0, last, a, b, target);
    }
    this.sealed = true;
  }

  private insert(node: number, lo: number, hi: number, a: number, b: number, target: number): void {
    if (b < lo || hi < a) return;
    if (a <= lo && hi <= b) {
      const list = this.tree[node];
      if (list === null || list === undefined) this.tree[node] = [target];
      else list.push(target);
      return;
    }
    const mid = (lo + hi) >> 1;
    this.insert(node * 2, lo, mid, a, b, target);
    this.insert(node * 2 + 1, mid + 1, hi, a, b, target);
  }

  /** Atom 2i+1 is points[i]; atom 2i is the gap just below it; the last atom is above every point. */
  private atom(v: number): number {
    let lo = 0;
    let hi = this.points.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.points[mid] ?? 0) < v) lo = mid + 1;
      else hi = mid;
    }
    return this.points[lo] === v ? 2 * lo + 1 : 2 * lo;
  }
}
