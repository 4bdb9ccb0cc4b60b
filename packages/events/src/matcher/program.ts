/**
 * The drafts packed into one Int32Array, a state's words side by side, so that
 * visiting a state reads a few adjacent cache lines instead of chasing a dozen
 * small objects through the heap (matching thousands of rules is bound by
 * memory traffic, not arithmetic). A state at `offsets[s]` is:
 *
 *   accepts count, rules..., groups count, then per group:
 *   slot, exact table size (0: none), operator index number (-1: none),
 *   present count, absent count, edge count, exact table (exact-table.ts),
 *   present targets..., absent targets..., (condition number, target)...
 *
 * The (condition, target) pairs are those the group's operator index
 * (operator-index.ts) leaves to be judged one by one.
 *
 * A changed state is packed again at the end; the whole program is packed
 * afresh once the words left behind outnumber the live ones.
 */
import type { Conditions } from './conditions.js';
import type { Draft } from './draft.js';
import { packTable, tableSize, type ValueIds } from './exact-table.js';
import { indexEdges, type OperatorIndex } from './operator-index.js';

/** Words of a group before its lists: slot, table size, index, present, absent, edges. */
export const GROUP_HEADER = 6;

export class Program {
  code = new Int32Array(1024);
  offsets = new Int32Array(64);
  /** The operator indexes of groups, by the number each group keeps (rebuilt in place as it changes). */
  readonly indexes: OperatorIndex[] = [];
  private length = 0;
  private live = 0;
  private readonly sizes: number[] = [];
  private readonly dirty = new Set<number>();

  constructor(
    private readonly conditions: Conditions,
    /** Numbers of the exact values that rules name. */
    readonly ids: ValueIds,
  ) {}

  /** Marks a state changed; it is packed again by the next `seal`. */
  touch(state: number): void {
    this.dirty.add(state);
  }

  /** Packs the changed states (or everything, when too many words are dead). */
  seal(states: readonly Draft[]): void {
    if (this.dirty.size === 0) return;
    if (this.offsets.length < states.length) {
      const offsets = new Int32Array(states.length * 2);
      offsets.set(this.offsets);
      this.offsets = offsets;
    }
    if (this.length > 2 * this.live + 1024) {
      [this.length, this.live] = [0, 0];
      this.sizes.length = 0;
      for (const [s, state] of states.entries()) this.pack(s, state);
    } else for (const s of this.dirty) this.pack(s, states[s] as Draft);
    this.dirty.clear();
  }

  private pack(s: number, state: Draft): void {
    const words = this.words(state);
    this.live += words.length - (this.sizes[s] ?? 0);
    this.sizes[s] = words.length;
    if (this.length + words.length > this.code.length) {
      const code = new Int32Array((this.length + words.length) * 2);
      code.set(this.code.subarray(0, this.length));
      this.code = code;
    }
    this.code.set(words, this.length);
    this.offsets[s] = this.length;
    this.length += words.length;
  }

  private words(state: Draft): number[] {
    const out = [state.accepts.length, ...state.accepts, state.groups.length];
    for (const g of state.groups) {
      const { index, rest } = indexEdges(g.edges, this.conditions);
      if (index !== null && g.index < 0) g.index = this.indexes.push(index) - 1;
      else if (index !== null) this.indexes[g.index] = index;
      const table = g.exact === null ? 0 : tableSize(g.exact.size);
      out.push(
        g.slot,
        table,
        index === null ? -1 : g.index,
        g.present.length,
        g.absent.length,
        rest.length / 2,
      );
      if (g.exact !== null) packTable(g.exact, this.ids, out);
      for (const list of [g.present, g.absent, rest]) for (const word of list) out.push(word);
    }
    return out;
  }
}
