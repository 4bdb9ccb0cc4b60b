/** Does one leaf value satisfy one match expression? The straightforward definition. */
import { ipBits } from './ip.js';
import type { Condition, Leaf, NumericRange, Scalar } from './types.js';
import { wildcardRegExp } from './wildcard.js';

const regexps = new Map<string, RegExp>();

/** A cached anchored RegExp for a wildcard pattern. */
export function wildcard(pattern: string): RegExp {
  let re = regexps.get(pattern);
  if (re === undefined) {
    if (regexps.size > 10_000) regexps.clear();
    re = wildcardRegExp(pattern);
    regexps.set(pattern, re);
  }
  return re;
}

/** True when `v` lies in the range (numbers beyond ±5e9 are not comparable, as in event-ruler). */
export function inRange(r: NumericRange, v: number): boolean {
  if (v < -5e9 || v > 5e9) return false;
  const aboveLo = r.loOpen ? v > r.lo : v >= r.lo;
  return aboveLo && (r.hiOpen ? v < r.hi : v <= r.hi);
}

function lower(s: string): string {
  return s.toLowerCase();
}

function cidr(leaf: { family: 4 | 6; bits: string; base: string }, v: Scalar): boolean {
  if (typeof v !== 'string') return false;
  const ip = ipBits(v);
  return ip !== null && ip.family === leaf.family && ip.bits.startsWith(leaf.bits) && ip.bits >= leaf.base;
}

function stringLeaf(leaf: Leaf, v: string): boolean {
  switch (leaf.kind) {
    case 'prefix':
      return leaf.ignoreCase ? lower(v).startsWith(lower(leaf.value)) : v.startsWith(leaf.value);
    case 'suffix':
      return leaf.ignoreCase ? lower(v).endsWith(lower(leaf.value)) : v.endsWith(leaf.value);
    case 'equals-ignore-case':
      return lower(v) === lower(leaf.value);
    case 'wildcard':
      return wildcard(leaf.value).test(v);
    case 'anything-but-ignore-case':
      return !leaf.values.some((x) => lower(x) === lower(v));
    case 'anything-but-prefix':
      return !v.startsWith(leaf.value);
    case 'anything-but-suffix':
      return !v.endsWith(leaf.value);
    case 'anything-but-wildcard':
      return !leaf.values.some((x) => wildcard(x).test(v));
    default:
      return false;
  }
}

/** True when the event value `v` satisfies `leaf` (`exists` is judged per field, see `conditionHolds`). */
export function testLeaf(leaf: Leaf, v: Scalar): boolean {
  switch (leaf.kind) {
    case 'exact':
      return leaf.value === v;
    case 'exists':
      return leaf.value;
    case 'numeric':
      return typeof v === 'number' && inRange(leaf.range, v);
    case 'cidr':
      return cidr(leaf, v);
    case 'anything-but':
      return (typeof v !== 'string' && typeof v !== 'number') || !leaf.values.includes(v);
    case 'anything-but-ignore-case':
    case 'anything-but-prefix':
    case 'anything-but-suffix':
    case 'anything-but-wildcard':
      return typeof v !== 'string' || stringLeaf(leaf, v);
    default:
      return typeof v === 'string' && stringLeaf(leaf, v);
  }
}

/** A field's condition holds when a value satisfies a leaf, or the field is absent and a leaf is `exists: false`. */
export function conditionHolds(condition: Condition, values: readonly Scalar[] | undefined): boolean {
  if (values === undefined || values.length === 0) {
    return condition.leaves.some((l) => l.kind === 'exists' && !l.value);
  }
  return values.some((v) => condition.leaves.some((l) => testLeaf(l, v)));
}
