/** Which conditions of a group the operator index takes, and which stay one by one. */
import { describe, expect, it } from 'vitest';
import type { Leaf } from '../pattern/types.js';
import { Conditions } from './conditions.js';
import { ValueIds } from './exact-table.js';
import { INDEX_AT, indexEdges } from './operator-index.js';

function edges(conditions: Conditions, leaves: readonly Leaf[]): number[] {
  return leaves.flatMap((leaf, target) => [conditions.add(leaf), target]);
}

const prefix = (value: string): Leaf => ({ kind: 'prefix', value, ignoreCase: false });
const range = (lo: number): Leaf => ({
  kind: 'numeric',
  range: { lo, loOpen: false, hi: lo + 1, hiOpen: true },
});

describe('indexEdges', () => {
  it('indexes an operator from INDEX_AT conditions on and leaves the rest to be judged one by one', () => {
    const conditions = new Conditions(new ValueIds());
    const many = Array.from({ length: INDEX_AT }, (_, i) => prefix(`p${i}`));
    const few = Array.from({ length: INDEX_AT - 1 }, (_, i) => range(i));
    const wildcard: Leaf = { kind: 'wildcard', value: 'a*' };
    const split = indexEdges(edges(conditions, [...many, ...few, wildcard]), conditions);
    expect(split.index).not.toBeNull();
    const kept = [];
    for (let k = 1; k < split.rest.length; k += 2) kept.push(split.rest[k]);
    expect(kept).toEqual([...few.keys()].map((i) => INDEX_AT + i).concat(2 * INDEX_AT - 1));
    const found: number[] = [];
    split.index?.run(['p2x', 'p0'], { visit: (t) => found.push(t) });
    expect(found.sort()).toEqual([0, 2]);
  });

  it('indexes nothing in a small group', () => {
    const conditions = new Conditions(new ValueIds());
    const split = indexEdges(edges(conditions, [prefix('a'), range(1)]), conditions);
    expect(split.index).toBeNull();
    expect(split.rest).toHaveLength(4);
  });
});
