/**
 * Every condition the machine tests with an operator other than exact values
 * and `exists`, by number, in flat arrays (kind, bounds, text): evaluating one
 * reads a few adjacent bytes instead of chasing closures and range objects
 * through the heap, which is what matching thousands of rules is bound by.
 */
import { ipv4Number } from '../pattern/ip.js';
import { testLeaf, wildcard } from '../pattern/test-leaf.js';
import type { Leaf, NumericRange, Scalar } from '../pattern/types.js';
import { wildcardLiteralPrefix } from '../pattern/wildcard.js';
import type { ValueIds } from './exact-table.js';

/** How a condition is judged. */
export const KIND = {
  leaf: 0,
  numeric: 2,
  prefix: 3,
  suffix: 4,
  folded: 5,
  prefixFolded: 6,
  suffixFolded: 7,
  cidr4: 8,
  anythingBut: 9,
  wildcard: 10,
  notPrefix: 11,
  notSuffix: 12,
} as const;

/** `numeric` flags: the low / high bound is excluded. */
const LO_OPEN = 1;
const HI_OPEN = 2;

/** event-ruler compares numbers only within ±5e9. */
const LIMIT = 5e9;

/** What `kind` needs beyond bounds and text: a leaf or a RegExp. */
type Extra = Leaf | RegExp | null;

/** `v.startsWith(t)`, most often answered by one character without calling the builtin. */
function starts(v: string, t: string): boolean {
  const n = t.length;
  return n === 0 || (v.length >= n && v.charCodeAt(n - 1) === t.charCodeAt(n - 1) && v.startsWith(t));
}

/** `v.endsWith(t)`, likewise. */
function ends(v: string, t: string): boolean {
  const n = t.length;
  const m = v.length;
  return n === 0 || (m >= n && v.charCodeAt(m - n) === t.charCodeAt(0) && v.endsWith(t));
}

/** The table of conditions; `holds` judges one against a present field's value(s). */
export class Conditions {
  /** `ids` numbers the values anything-but lists (shared with the exact tables). */
  constructor(private readonly ids: ValueIds) {}

  private kinds = new Uint8Array(64);
  private flags = new Uint8Array(64);
  private lo = new Float64Array(64);
  private hi = new Float64Array(64);
  private readonly texts: string[] = [];
  private readonly extras: Extra[] = [];
  private readonly numbers = new Map<string, number>();
  /** The value numbers each anything-but excludes: pool[lo[c]..hi[c]). */
  private pool = new Int32Array(64);
  private pooled = 0;
  /** One-entry cache of `ids.find`, forgotten whenever an anything-but numbers new values. */
  private idOf: Scalar | undefined;
  private id = -1;
  /** One-entry caches: consecutive tests of one group see the same value. */
  private lowerOf = '';
  private lowered = '';
  private ipOf = '';
  private ip = -1;

  /** Number of conditions. */
  get size(): number {
    return this.texts.length;
  }

  /** The number of the condition testing `leaf` (neither an exact value nor `exists`). */
  add(leaf: Leaf): number {
    const key = JSON.stringify(leaf);
    const known = this.numbers.get(key);
    if (known !== undefined) return known;
    return this.leaf(key, leaf);
  }

  /** How condition `c` is judged (a KIND). */
  kindOf(c: number): number {
    return this.kinds[c] as number;
  }

  /** The text of a prefix, suffix or ignore-case condition (lower-cased for the latter). */
  textOf(c: number): string {
    return this.texts[c] as string;
  }

  /** The bounds of a numeric or IPv4 condition (an IPv4 block includes both ends). */
  rangeOf(c: number): NumericRange {
    const flags = this.flags[c] as number;
    const [lo, hi] = [this.lo[c] as number, this.hi[c] as number];
    return { lo, hi, loOpen: (flags & LO_OPEN) !== 0, hiOpen: (flags & HI_OPEN) !== 0 };
  }

  /** True when some value satisfies the condition. */
  holds(cond: number, values: Scalar | Scalar[]): boolean {
    if (!Array.isArray(values)) return this.one(cond, values);
    for (const v of values) if (this.one(cond, v)) return true;
    return false;
  }

  private one(c: number, v: Scalar): boolean {
    switch (this.kinds[c]) {
      case KIND.numeric:
        return typeof v === 'number' && this.inRange(c, v);
      case KIND.prefix:
        return typeof v === 'string' && starts(v, this.texts[c] as string);
      case KIND.suffix:
        return typeof v === 'string' && ends(v, this.texts[c] as string);
      case KIND.folded:
        return typeof v === 'string' && this.lower(v) === this.texts[c];
      case KIND.prefixFolded:
        return typeof v === 'string' && starts(this.lower(v), this.texts[c] as string);
      case KIND.suffixFolded:
        return typeof v === 'string' && ends(this.lower(v), this.texts[c] as string);
      case KIND.cidr4:
        return typeof v === 'string' && this.inBlock(c, v);
      case KIND.anythingBut:
        return (typeof v !== 'string' && typeof v !== 'number') || !this.excludes(c, v);
      case KIND.notPrefix:
        return typeof v !== 'string' || !starts(v, this.texts[c] as string);
      case KIND.notSuffix:
        return typeof v !== 'string' || !ends(v, this.texts[c] as string);
      case KIND.wildcard:
        return (
          typeof v === 'string' && starts(v, this.texts[c] as string) && (this.extras[c] as RegExp).test(v)
        );
      default:
        return testLeaf(this.extras[c] as Leaf, v);
    }
  }

  private inRange(c: number, v: number): boolean {
    if (v < -LIMIT || v > LIMIT) return false;
    const lo = this.lo[c] as number;
    const hi = this.hi[c] as number;
    const flags = this.flags[c] as number;
    return (flags & LO_OPEN ? v > lo : v >= lo) && (flags & HI_OPEN ? v < hi : v <= hi);
  }

  private inBlock(c: number, v: string): boolean {
    const ip = this.ipv4(v);
    return ip >= (this.lo[c] as number) && ip <= (this.hi[c] as number);
  }

  /** `v` as an IPv4 number, -1 when it is none (the last answer cached). */
  ipv4(v: string): number {
    if (v !== this.ipOf) {
      this.ipOf = v;
      this.ip = ipv4Number(v);
    }
    return this.ip;
  }

  /** `v` is one of the values anything-but `c` excludes (compared by value number). */
  private excludes(c: number, v: Scalar): boolean {
    if (v !== this.idOf) {
      this.idOf = v;
      this.id = this.ids.find(v);
    }
    if (this.id < 0) return false;
    for (let k = this.lo[c] as number; k < (this.hi[c] as number); k++)
      if (this.pool[k] === this.id) return true;
    return false;
  }

  private excluding(key: string, values: readonly Scalar[]): number {
    const c = this.intern(key, KIND.anythingBut, null);
    const ids = [...new Set(values.map((v) => this.ids.idOf(v)))];
    this.idOf = undefined;
    if (this.pooled + ids.length > this.pool.length) {
      const pool = new Int32Array((this.pooled + ids.length) * 2);
      pool.set(this.pool);
      this.pool = pool;
    }
    this.pool.set(ids, this.pooled);
    [this.lo[c], this.hi[c]] = [this.pooled, this.pooled + ids.length];
    this.pooled += ids.length;
    return c;
  }

  /** `v` lower-cased (the last answer cached). */
  lower(v: string): string {
    if (v !== this.lowerOf) {
      this.lowerOf = v;
      this.lowered = v.toLowerCase();
    }
    return this.lowered;
  }

  private leaf(key: string, leaf: Leaf): number {
    switch (leaf.kind) {
      case 'numeric': {
        const { lo, hi, loOpen, hiOpen } = leaf.range;
        const c = this.intern(key, KIND.numeric, null);
        [this.lo[c], this.hi[c]] = [lo, hi];
        this.flags[c] = (loOpen ? LO_OPEN : 0) | (hiOpen ? HI_OPEN : 0);
        return c;
      }
      case 'prefix':
      case 'suffix':
        return this.affix(key, leaf);
      case 'equals-ignore-case':
        return this.intern(key, KIND.folded, null, leaf.value.toLowerCase());
      case 'cidr':
        return leaf.family === 4 ? this.cidr4(key, leaf) : this.intern(key, KIND.leaf, leaf);
      case 'anything-but':
        return this.excluding(key, leaf.values);
      case 'anything-but-prefix':
        return this.intern(key, KIND.notPrefix, null, leaf.value);
      case 'anything-but-suffix':
        return this.intern(key, KIND.notSuffix, null, leaf.value);
      case 'wildcard':
        return this.intern(key, KIND.wildcard, wildcard(leaf.value), wildcardLiteralPrefix(leaf.value));
      default:
        return this.intern(key, KIND.leaf, leaf);
    }
  }

  private affix(key: string, leaf: Leaf & { kind: 'prefix' | 'suffix' }): number {
    const prefix = leaf.kind === 'prefix';
    if (!leaf.ignoreCase) return this.intern(key, prefix ? KIND.prefix : KIND.suffix, null, leaf.value);
    const kind = prefix ? KIND.prefixFolded : KIND.suffixFolded;
    return this.intern(key, kind, null, leaf.value.toLowerCase());
  }

  /** A block runs from the address as written (not masked) to the top of its network. */
  private cidr4(key: string, leaf: Leaf & { kind: 'cidr' }): number {
    const c = this.intern(key, KIND.cidr4, null);
    const size = 2 ** (32 - leaf.bits.length);
    const network = leaf.bits.length === 0 ? 0 : Number.parseInt(leaf.bits, 2);
    [this.lo[c], this.hi[c]] = [Number.parseInt(leaf.base, 2), network * size + size - 1];
    return c;
  }

  private intern(key: string, kind: number, extra: Extra, text = ''): number {
    const c = this.texts.length;
    if (c >= this.kinds.length) this.grow();
    this.numbers.set(key, c);
    this.kinds[c] = kind;
    this.texts.push(text);
    this.extras.push(extra);
    return c;
  }

  private grow(): void {
    const n = this.kinds.length * 2;
    const kinds = new Uint8Array(n);
    const flags = new Uint8Array(n);
    const lo = new Float64Array(n);
    const hi = new Float64Array(n);
    kinds.set(this.kinds);
    flags.set(this.flags);
    lo.set(this.lo);
    hi.set(this.hi);
    [this.kinds, this.flags, this.lo, this.hi] = [kinds, flags, lo, hi];
  }
}
