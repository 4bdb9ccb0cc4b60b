/**
 * The state machine: branches are added as drafts (draft.ts), packed into one
 * array of words (program.ts), and matching walks from the start state,
 * following only the transitions the event's values satisfy, so a rule costs
 * nothing unless the event already satisfied the conditions leading to it.
 * Per field, a state looks exact values up in a hash map and judges its other
 * conditions from a flat table (conditions.ts); a state that only accepts one
 * rule is never read: `single` answers from a typed array.
 */
import type { Branch, Condition, Scalar } from '../pattern/types.js';
import { Conditions } from './conditions.js';
import { type Draft, type Group, groupOf, Lists, newDraft, order } from './draft.js';
import { EventSlots } from './event-slots.js';
import { lookUpTable, ValueIds } from './exact-table.js';
import type { Visitor } from './intervals.js';
import type { OperatorIndex } from './operator-index.js';
import { GROUP_HEADER, Program } from './program.js';

function grown(array: Uint32Array<ArrayBuffer>, size: number): Uint32Array<ArrayBuffer> {
  if (array.length >= size) return array;
  const next = new Uint32Array(size * 2);
  next.set(array);
  return next;
}

/** The compiled states of many rules; add branches, then match events. */
export class Machine implements Visitor {
  private readonly states: Draft[] = [newDraft()];
  private readonly program: Program;
  private readonly lists = new Lists();
  private readonly event = new EventSlots();
  /** Conditions other than exact values and `exists`. */
  private readonly conditions: Conditions;
  /** Per state: the rule it accepts when that is all it does, else -1. */
  private single = new Int32Array(64).fill(-1);
  /** Per-event stamps (equal to `serial` when set for this event): states seen, rules found. */
  private seen = new Uint32Array(64);
  private hits = new Uint32Array(64);
  /** Per slot: the number of its value (valid when `idSeen` equals `serial`). */
  private ids = new Int32Array(16);
  private idSeen = new Uint32Array(16);
  private serial = 0;
  private readonly stack: number[] = [];
  private readonly found: number[] = [];

  constructor() {
    const ids = new ValueIds();
    this.conditions = new Conditions(ids);
    this.program = new Program(this.conditions, ids);
    this.program.touch(0);
  }

  /** Adds one branch of rule number `rule`. */
  add(rule: number, branch: Branch): void {
    let current = 0;
    for (const condition of [...branch].sort(order)) current = this.step(current, condition);
    const state = this.states[current] as Draft;
    if (!state.accepts.includes(rule)) state.accepts.push(rule);
    this.refresh(current);
    this.hits = grown(this.hits, rule + 1);
  }

  /** Rule numbers whose branch the event satisfies, each once, in the order found (reused by the next run). */
  run(event: unknown): number[] {
    this.program.seal(this.states);
    this.event.load(event);
    this.begin();
    this.found.length = 0;
    this.visit(0);
    for (let s = this.stack.pop(); s !== undefined; s = this.stack.pop()) this.runState(s);
    return this.found;
  }

  private runState(s: number): void {
    const code = this.program.code;
    let i = this.program.offsets[s] as number;
    const accepts = code[i++] as number;
    for (const end = i + accepts; i < end; i++) this.accept(code[i] as number);
    const groups = code[i++] as number;
    for (let g = 0; g < groups; g++) i = this.runGroup(code, i);
  }

  /** Runs the group at word `i`; the index of the word after it. */
  private runGroup(code: Int32Array, i: number): number {
    const slot = code[i] as number;
    const table = code[i + 1] as number;
    const present = code[i + 3] as number;
    const absent = code[i + 4] as number;
    const start = i + GROUP_HEADER + 2 * table;
    const edges = start + present + absent;
    const next = edges + 2 * (code[i + 5] as number);
    const values = this.event.get(slot);
    if (values === undefined) {
      for (let k = start + present; k < edges; k++) this.visit(code[k] as number);
      return next;
    }
    for (let k = start; k < start + present; k++) this.visit(code[k] as number);
    if (table > 0) this.lookUp(code, i + GROUP_HEADER, table, slot, values);
    const index = code[i + 2] as number;
    if (index >= 0) (this.program.indexes[index] as OperatorIndex).run(values, this);
    for (let k = edges; k < next; k += 2) {
      if (this.conditions.holds(code[k] as number, values)) this.visit(code[k + 1] as number);
    }
    return next;
  }

  /** Follows the exact table at word `at` for the value(s) of `slot`. */
  private lookUp(code: Int32Array, at: number, size: number, slot: number, values: Scalar | Scalar[]): void {
    if (!Array.isArray(values)) {
      const id = this.idOf(slot, values);
      if (id >= 0) this.reach(lookUpTable(code, at, size, id));
      return;
    }
    for (const v of values) {
      const id = this.program.ids.find(v);
      if (id >= 0) this.reach(lookUpTable(code, at, size, id));
    }
  }

  /** The number of a slot's single value, looked up once per event. */
  private idOf(slot: number, value: Scalar): number {
    if (this.idSeen[slot] === this.serial) return this.ids[slot] as number;
    const id = this.program.ids.find(value);
    this.idSeen[slot] = this.serial;
    this.ids[slot] = id;
    return id;
  }

  /** Visits what an exact map entry leads to. */
  private reach(entry: number | undefined): void {
    if (entry === undefined) return;
    if (entry >= 0) this.visit(entry);
    else for (const t of this.lists.lists[-entry - 1] as number[]) this.visit(t);
  }

  /** Marks a state reached; a state that only accepts one rule is settled at once. */
  visit(target: number): void {
    const rule = this.single[target] as number;
    if (rule >= 0) {
      this.accept(rule);
      return;
    }
    if (this.seen[target] === this.serial) return;
    this.seen[target] = this.serial;
    this.stack.push(target);
  }

  private accept(rule: number): void {
    if (this.hits[rule] === this.serial) return;
    this.hits[rule] = this.serial;
    this.found.push(rule);
  }

  /** Follows (or creates) the transition of `condition` out of state `from`. */
  private step(from: number, condition: Condition): number {
    const state = this.states[from] as Draft;
    const key = `${condition.path}\u0000${JSON.stringify(condition.leaves)}`;
    const known = state.next.get(key);
    if (known !== undefined) return known;
    const target = this.states.length;
    this.states.push(newDraft());
    state.next.set(key, target);
    this.route(groupOf(state, this.event.slotOf(condition.path)), condition, target);
    this.refresh(from);
    this.refresh(target);
    return target;
  }

  /** Sends the values satisfying `condition` from a group to `target`. */
  private route(group: Group, condition: Condition, target: number): void {
    for (const leaf of condition.leaves) {
      if (leaf.kind === 'exact') {
        group.exact ??= new Map();
        this.lists.add(group.exact, leaf.value, target);
      } else if (leaf.kind === 'exists') (leaf.value ? group.present : group.absent).push(target);
      else group.edges.push(this.conditions.add(leaf), target);
    }
  }

  /** Notes that state `id` changed. */
  private refresh(id: number): void {
    if (this.single.length <= id) {
      const next = new Int32Array(this.states.length * 2).fill(-1);
      next.set(this.single);
      this.single = next;
    }
    const { accepts, groups } = this.states[id] as Draft;
    this.single[id] = groups.length === 0 && accepts.length === 1 ? (accepts[0] ?? -1) : -1;
    this.program.touch(id);
  }

  private begin(): void {
    this.seen = grown(this.seen, this.states.length);
    if (this.ids.length < this.event.size) {
      this.ids = new Int32Array(this.event.size * 2);
      this.idSeen = new Uint32Array(this.event.size * 2);
    }
    this.serial = (this.serial + 1) >>> 0;
    if (this.serial === 0) {
      this.seen.fill(0);
      this.hits.fill(0);
      this.idSeen.fill(0);
      this.serial = 1;
    }
  }
}
