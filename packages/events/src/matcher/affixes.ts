/**
 * Many prefixes (or suffixes) of one state and field, found by one binary
 * search. The distinct texts are sorted; each knows its parent, the longest
 * other text that is a prefix of it. Every text that is a prefix of a value
 * v sorts between itself and v, so it is a prefix of e, the greatest text
 * <= v: the texts matching v are e's chain of parents from the first one
 * that matches. Suffixes are the same on reversed strings (read backwards,
 * nothing is allocated per value).
 */
import type { Visitor } from './intervals.js';

/** One text and where it leads. */
export interface Affix {
  readonly text: string;
  readonly target: number;
}

const reverse = (s: string): string => s.split('').reverse().join('');
const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** `t` is a prefix of `v`, or with `backwards`, `t` reversed is a suffix of `v`. */
function leads(t: string, v: string, backwards: boolean): boolean {
  const n = t.length;
  const m = v.length;
  if (n > m) return false;
  if (!backwards) return v.startsWith(t);
  for (let i = 0; i < n; i++) if (t.charCodeAt(i) !== v.charCodeAt(m - 1 - i)) return false;
  return true;
}

/** `t` <= `v` (read backwards when `backwards`). */
function atMost(t: string, v: string, backwards: boolean): boolean {
  if (!backwards) return t <= v;
  const n = t.length;
  const m = v.length;
  for (let i = 0; i < n && i < m; i++) {
    const d = t.charCodeAt(i) - v.charCodeAt(m - 1 - i);
    if (d !== 0) return d < 0;
  }
  return n <= m;
}

export class Affixes {
  private constructor(
    private readonly backwards: boolean,
    private readonly texts: readonly string[],
    private readonly parents: Int32Array,
    /** Text i leads to targets[starts[i]..starts[i + 1]). */
    private readonly starts: Int32Array,
    private readonly targets: Int32Array,
  ) {}

  /** Prefixes, or suffixes when `suffixes`. */
  static build(affixes: readonly Affix[], suffixes: boolean): Affixes {
    const byText = new Map<string, number[]>();
    for (const { text, target } of affixes) {
      const key = suffixes ? reverse(text) : text;
      const list = byText.get(key);
      if (list === undefined) byText.set(key, [target]);
      else list.push(target);
    }
    const texts = [...byText.keys()].sort(byCodeUnits);
    const starts = new Int32Array(texts.length + 1);
    const targets: number[] = [];
    for (const [i, text] of texts.entries()) {
      targets.push(...(byText.get(text) as number[]));
      starts[i + 1] = targets.length;
    }
    return new Affixes(suffixes, texts, Affixes.parentsOf(texts), starts, Int32Array.from(targets));
  }

  /** Each sorted text's longest proper prefix among the texts (-1: none). */
  private static parentsOf(texts: readonly string[]): Int32Array {
    const parents = new Int32Array(texts.length);
    const chain: number[] = [];
    for (const [i, text] of texts.entries()) {
      while (chain.length > 0 && !text.startsWith(texts[chain[chain.length - 1] as number] as string))
        chain.pop();
      parents[i] = chain[chain.length - 1] ?? -1;
      chain.push(i);
    }
    return parents;
  }

  /** Visits the targets of every text that `v` starts (or ends) with. */
  find(v: string, visitor: Visitor): void {
    const { texts, backwards } = this;
    let lo = 0;
    let hi = texts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (atMost(texts[mid] as string, v, backwards)) lo = mid + 1;
      else hi = mid;
    }
    let t = lo - 1;
    while (t >= 0 && !leads(texts[t] as string, v, backwards)) t = this.parents[t] as number;
    for (; t >= 0; t = this.parents[t] as number) {
      const end = this.starts[t + 1] as number;
      for (let k = this.starts[t] as number; k < end; k++) visitor.visit(this.targets[k] as number);
    }
  }
}
