/**
 * Exact values as small open-addressing hash tables packed inside the
 * program's words. Every exact value some rule names gets a number once
 * (`ValueIds`); an event's value is numbered by one lookup in that one,
 * always-warm map, and a state then finds its entry in words next to its
 * own, instead of chasing a Map of its own through the heap (a few cache
 * misses per state, which is what matching thousands of rules is bound by).
 *
 * A table of `size` (a power of two) slots is 2 * size words: value number
 * (-1: empty), then what the value leads to (a target >= 0, or -(1 + a list)).
 */
import type { Scalar } from '../pattern/types.js';

/** Numbers of the exact values rules name. */
export class ValueIds {
  private readonly ids = new Map<Scalar, number>();

  /** The number of `value`, given on first use. */
  idOf(value: Scalar): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(value, id);
    }
    return id;
  }

  /** The number of `value`, -1 when no rule names it. */
  find(value: Scalar): number {
    return this.ids.get(value) ?? -1;
  }
}

function hash(id: number): number {
  const h = Math.imul(id ^ (id >>> 15), 0x2c1b3c6d);
  return h ^ (h >>> 12);
}

/** Slots of the table for `entries` values: a power of two, at most half full. */
export function tableSize(entries: number): number {
  let size = 4;
  while (size < 2 * entries) size *= 2;
  return size;
}

/** Appends the table of `map` (value -> entry) to `out`. */
export function packTable(map: ReadonlyMap<Scalar, number>, ids: ValueIds, out: number[]): void {
  const size = tableSize(map.size);
  const table = new Array<number>(2 * size).fill(-1);
  for (const [value, entry] of map) {
    const id = ids.idOf(value);
    let s = hash(id) & (size - 1);
    while (table[2 * s] !== -1) s = (s + 1) & (size - 1);
    [table[2 * s], table[2 * s + 1]] = [id, entry];
  }
  for (const word of table) out.push(word);
}

/** The entry of value number `id` in the table of `size` slots at word `at`; undefined when absent. */
export function lookUpTable(code: Int32Array, at: number, size: number, id: number): number | undefined {
  let s = hash(id) & (size - 1);
  for (;;) {
    const found = code[at + 2 * s] as number;
    if (found === id) return code[at + 2 * s + 1] as number;
    if (found === -1) return undefined;
    s = (s + 1) & (size - 1);
  }
}
