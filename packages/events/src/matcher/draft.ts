/**
 * The machine's states as they are built (the event-ruler idea): each rule
 * branch is a path through states, one step per condition in a fixed order
 * (selective operators first, then the envelope fields `source`,
 * `detail-type`..., then by field path); branches share states while their
 * conditions agree. program.ts packs these drafts for matching.
 */
import type { Condition, Leaf, Scalar } from '../pattern/types.js';

/** What one state tests on one field path. */
export interface Group {
  readonly slot: number;
  /** Exact value -> target (>= 0) or -(1 + index of a list of targets in `Lists`). */
  exact: Map<Scalar, number> | null;
  /** Condition number, target, condition number, target... (other operators). */
  readonly edges: number[];
  /** Targets when the field has a value (`exists: true`) / has none (`exists: false`). */
  readonly present: number[];
  readonly absent: number[];
  /** The number of the group's operator index in the program, once it has one (-1: none yet). */
  index: number;
}

/** One state under construction. */
export interface Draft {
  /** Indices of the rules whose branch ends here. */
  readonly accepts: number[];
  readonly groups: Group[];
  /** Condition key -> next state, so identical conditions share a state. */
  readonly next: Map<string, number>;
}

const LEAF_RANK: Record<Leaf['kind'], number> = {
  exact: 0,
  'equals-ignore-case': 0,
  prefix: 1,
  suffix: 1,
  cidr: 1,
  numeric: 1,
  wildcard: 2,
  'anything-but': 3,
  'anything-but-ignore-case': 3,
  'anything-but-prefix': 3,
  'anything-but-suffix': 3,
  'anything-but-wildcard': 3,
  exists: 3,
};

/** Selective conditions first (hash lookups before scans), then by path, so branches share states. */
function rank(c: Condition): number {
  return Math.max(...c.leaves.map((l) => LEAF_RANK[l.kind]));
}

/** Envelope fields most rules test and that split events best go first among equals. */
const ENVELOPE: readonly string[] = ['source', 'detail-type', 'account', 'region', 'resources'];

function envelope(path: string): number {
  const i = ENVELOPE.indexOf(path);
  return i < 0 ? ENVELOPE.length : i;
}

/** The order of a branch's conditions along its path of states. */
export function order(a: Condition, b: Condition): number {
  const r = rank(a) - rank(b) || envelope(a.path) - envelope(b.path);
  if (r !== 0) return r;
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

export function newDraft(): Draft {
  return { accepts: [], groups: [], next: new Map() };
}

export function groupOf(state: Draft, slot: number): Group {
  const found = state.groups.find((g) => g.slot === slot);
  if (found !== undefined) return found;
  const group: Group = { slot, exact: null, edges: [], present: [], absent: [], index: -1 };
  state.groups.push(group);
  return group;
}

/** Lists of targets of exact values that lead to more than one state. */
export class Lists {
  readonly lists: number[][] = [];

  /** Adds `target` to what `value` leads to in `map`. */
  add(map: Map<Scalar, number>, value: Scalar, target: number): void {
    const known = map.get(value);
    if (known === undefined) map.set(value, target);
    else if (known >= 0) {
      if (known === target) return;
      this.lists.push([known, target]);
      map.set(value, -this.lists.length);
    } else {
      const list = this.lists[-known - 1] as number[];
      if (!list.includes(target)) list.push(target);
    }
  }
}
