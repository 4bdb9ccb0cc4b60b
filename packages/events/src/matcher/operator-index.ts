/**
 * The conditions of one state on one field, indexed by operator so that a
 * value finds the conditions it satisfies without testing them one by one:
 * numeric ranges and IPv4 blocks as stabbed intervals (intervals.ts),
 * prefixes and suffixes, plain or ignoring case, as sorted texts searched by
 * binary search (affixes.ts), and equals-ignore-case as a hash map on the
 * lower-cased value. Operators with fewer than `INDEX_AT` conditions in the
 * group, and those that most values satisfy (anything-but...) or that need a
 * matcher of their own (wildcard, IPv6 cidr), stay in the group's list of
 * (condition, target) pairs, judged one by one.
 */
import { NUMERIC_LIMIT } from '../pattern/numeric.js';
import type { Scalar } from '../pattern/types.js';
import { type Affix, Affixes } from './affixes.js';
import { type Conditions, KIND } from './conditions.js';
import { type Interval, Intervals, type Visitor } from './intervals.js';

/**
 * Fewer conditions of one operator than this are judged one by one: on the
 * events bench's main mix (groups of 1-15 conditions) indexing from 4 on was
 * slightly slower than from 8 on or not at all, within the machine's noise;
 * groups of thousands gain 50-70x.
 */
export const INDEX_AT = 8;

/** Pieces an interval may cover on average before ranges go into a segment tree. */
const PIECES_PER_INTERVAL = 16;

/** The operators that have an index, by condition kind. */
const INDEXED: ReadonlySet<number> = new Set([
  KIND.numeric,
  KIND.cidr4,
  KIND.prefix,
  KIND.prefixFolded,
  KIND.suffix,
  KIND.suffixFolded,
  KIND.folded,
]);

/** Ignore-case text -> targets. */
type Folded = Map<string, number[]>;

interface Parts {
  numbers: Intervals | null;
  ips: Intervals | null;
  prefixes: Affixes | null;
  prefixesFolded: Affixes | null;
  suffixes: Affixes | null;
  suffixesFolded: Affixes | null;
  folded: Folded | null;
}

export class OperatorIndex {
  constructor(
    private readonly conditions: Conditions,
    private readonly parts: Parts,
  ) {}

  /** Visits the target of every indexed condition some value satisfies. */
  run(values: Scalar | Scalar[], visitor: Visitor): void {
    if (!Array.isArray(values)) this.one(values, visitor);
    else for (const v of values) this.one(v, visitor);
  }

  private one(v: Scalar, visitor: Visitor): void {
    const p = this.parts;
    if (typeof v === 'number') {
      if (p.numbers !== null && v >= -NUMERIC_LIMIT && v <= NUMERIC_LIMIT) p.numbers.find(v, visitor);
      return;
    }
    if (typeof v !== 'string') return;
    p.prefixes?.find(v, visitor);
    p.suffixes?.find(v, visitor);
    if (p.ips !== null) {
      const ip = this.conditions.ipv4(v);
      if (ip >= 0) p.ips.find(ip, visitor);
    }
    if (p.prefixesFolded === null && p.suffixesFolded === null && p.folded === null) return;
    const lower = this.conditions.lower(v);
    p.prefixesFolded?.find(lower, visitor);
    p.suffixesFolded?.find(lower, visitor);
    const folded = p.folded?.get(lower);
    if (folded !== undefined) for (const t of folded) visitor.visit(t);
  }
}

/** A group's (condition, target) pairs split into an index and the pairs still judged one by one. */
export function indexEdges(
  edges: readonly number[],
  conditions: Conditions,
): { index: OperatorIndex | null; rest: readonly number[] } {
  if (edges.length < 2 * INDEX_AT) return { index: null, rest: edges };
  const byKind = new Map<number, number[]>();
  const rest: number[] = [];
  for (let k = 0; k < edges.length; k += 2) {
    const kind = conditions.kindOf(edges[k] as number);
    const list = byKind.get(kind) ?? [];
    byKind.set(kind, list);
    list.push(edges[k] as number, edges[k + 1] as number);
  }
  const parts: Parts = {
    numbers: null,
    ips: null,
    prefixes: null,
    prefixesFolded: null,
    suffixes: null,
    suffixesFolded: null,
    folded: null,
  };
  let indexed = false;
  for (const [kind, list] of byKind) {
    if (INDEXED.has(kind) && list.length >= 2 * INDEX_AT) {
      place(parts, kind, list, conditions);
      indexed = true;
    } else rest.push(...list);
  }
  return { index: indexed ? new OperatorIndex(conditions, parts) : null, rest };
}

/** Builds the part of `kind` from its (condition, target) pairs. */
function place(parts: Parts, kind: number, pairs: readonly number[], conditions: Conditions): void {
  const texts = (): Affix[] => mapPairs(pairs, (c, target) => ({ text: conditions.textOf(c), target }));
  const ranges = (): Interval[] => mapPairs(pairs, (c, target) => ({ ...conditions.rangeOf(c), target }));
  switch (kind) {
    case KIND.numeric:
      parts.numbers = Intervals.build(ranges(), (PIECES_PER_INTERVAL * pairs.length) / 2);
      break;
    case KIND.cidr4:
      parts.ips = Intervals.build(ranges(), (PIECES_PER_INTERVAL * pairs.length) / 2);
      break;
    case KIND.prefix:
      parts.prefixes = Affixes.build(texts(), false);
      break;
    case KIND.prefixFolded:
      parts.prefixesFolded = Affixes.build(texts(), false);
      break;
    case KIND.suffix:
      parts.suffixes = Affixes.build(texts(), true);
      break;
    case KIND.suffixFolded:
      parts.suffixesFolded = Affixes.build(texts(), true);
      break;
    default:
      parts.folded = foldedMap(texts());
  }
}

function mapPairs<T>(pairs: readonly number[], f: (c: number, target: number) => T): T[] {
  const out: T[] = [];
  for (let k = 0; k < pairs.length; k += 2) out.push(f(pairs[k] as number, pairs[k + 1] as number));
  return out;
}

function foldedMap(affixes: readonly Affix[]): Folded {
  const map: Folded = new Map();
  for (const { text, target } of affixes) {
    const list = map.get(text);
    if (list === undefined) map.set(text, [target]);
    else list.push(target);
  }
  return map;
}
