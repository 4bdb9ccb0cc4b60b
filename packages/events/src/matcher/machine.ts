/**
 * The state machine (the event-ruler idea): each rule branch is a path through
 * states, one step per condition in a fixed order (selective operators first,
 * then the envelope fields `source`, `detail-type`..., then by field path); branches share states
 * while their conditions agree. Matching walks from the start state, following
 * only the transitions the event's values satisfy, so a rule costs nothing
 * unless the event already satisfied the conditions leading to it.
 */
import type { Branch, Condition, Leaf } from '../pattern/types.js';
import { EventSlots } from './event-slots.js';
import { FieldIndex } from './field-index.js';

interface State {
  /** Indices of the rules whose branch ends here. */
  readonly accepts: number[];
  readonly fields: { readonly path: string; readonly slot: number; readonly index: FieldIndex }[];
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

function order(a: Condition, b: Condition): number {
  const r = rank(a) - rank(b) || envelope(a.path) - envelope(b.path);
  if (r !== 0) return r;
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

function newState(): State {
  return { accepts: [], fields: [], next: new Map() };
}

function fieldIndex(state: State, path: string, slot: number): FieldIndex {
  const found = state.fields.find((f) => f.path === path);
  if (found !== undefined) return found.index;
  const index = new FieldIndex();
  state.fields.push({ path, slot, index });
  return index;
}

/** The compiled states of many rules; add branches, then match flattened events. */
export class Machine {
  private readonly states: State[] = [newState()];
  private readonly event = new EventSlots();
  private seen = new Uint32Array(64);
  private serial = 0;
  private readonly stack: number[] = [];
  private accept: (rule: number) => void = () => {};
  /** Marks a state reached; a state without fields only accepts, so it is settled at once. */
  private readonly visit = (target: number): void => {
    if (this.seen[target] === this.serial) return;
    this.seen[target] = this.serial;
    const state = this.states[target];
    if (state !== undefined && state.fields.length === 0) {
      for (const rule of state.accepts) this.accept(rule);
      return;
    }
    this.stack.push(target);
  };

  /** Adds one branch of rule number `rule`. */
  add(rule: number, branch: Branch): void {
    const conditions = [...branch].sort(order);
    let current = 0;
    for (const condition of conditions) {
      const state = this.states[current] ?? newState();
      const key = `${condition.path}\u0000${JSON.stringify(condition.leaves)}`;
      let target = state.next.get(key);
      if (target === undefined) {
        target = this.states.length;
        this.states.push(newState());
        state.next.set(key, target);
        const index = fieldIndex(state, condition.path, this.event.slotOf(condition.path));
        for (const leaf of condition.leaves) index.add(leaf, target);
      }
      current = target;
    }
    const accepts = this.states[current]?.accepts;
    if (accepts !== undefined && !accepts.includes(rule)) accepts.push(rule);
  }

  /** Calls `accept` with every rule number whose branch the event satisfies (possibly repeated). */
  run(event: unknown, accept: (rule: number) => void): void {
    this.event.load(event);
    this.accept = accept;
    this.begin();
    this.visit(0);
    for (let id = this.stack.pop(); id !== undefined; id = this.stack.pop()) {
      const state = this.states[id];
      if (state === undefined) continue;
      for (const rule of state.accepts) accept(rule);
      for (const { slot, index } of state.fields) {
        const found = this.event.get(slot);
        if (found === undefined) {
          for (const t of index.absent) this.visit(t);
          continue;
        }
        for (const t of index.present) this.visit(t);
        if (!Array.isArray(found)) index.collect(found, this.visit);
        else for (const v of found) index.collect(v, this.visit);
      }
    }
  }

  private begin(): void {
    if (this.seen.length < this.states.length) this.seen = new Uint32Array(this.states.length * 2);
    this.serial = (this.serial + 1) >>> 0;
    if (this.serial === 0) {
      this.seen.fill(0);
      this.serial = 1;
    }
  }
}
