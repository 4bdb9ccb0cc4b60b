/**
 * The compiled matcher's view of an event: every field path some rule tests
 * has a slot number, and loading an event writes its leaf values straight into
 * those slots (subtrees no rule looks into are skipped), so states read a
 * field with an array index instead of a hash lookup.
 */
import type { Scalar } from '../pattern/types.js';

const hasOwn = Object.prototype.hasOwnProperty;

/** A value or the list of values at one path. */
export type SlotValue = Scalar | Scalar[];

interface PathNode {
  readonly children: Map<string, PathNode>;
  slot: number;
}

function pathNode(): PathNode {
  return { children: new Map(), slot: -1 };
}

/** Slots of one machine, reused from event to event. */
export class EventSlots {
  private readonly root = pathNode();
  private count = 0;
  private values: (SlotValue | undefined)[] = [];
  private stamps = new Uint32Array(16);
  private serial = 0;

  /** Number of slots. */
  get size(): number {
    return this.count;
  }

  /** The slot of a path, assigned on first use. */
  slotOf(path: string): number {
    let node = this.root;
    for (const key of path.split('.')) {
      let next = node.children.get(key);
      if (next === undefined) {
        next = pathNode();
        node.children.set(key, next);
      }
      node = next;
    }
    if (node.slot < 0) node.slot = this.count++;
    return node.slot;
  }

  /** Forgets the previous event and loads this one. */
  load(event: unknown): void {
    if (this.stamps.length < this.count) this.stamps = new Uint32Array(this.count * 2);
    this.serial = (this.serial + 1) >>> 0;
    if (this.serial === 0) {
      this.stamps.fill(0);
      this.serial = 1;
    }
    if (typeof event === 'object' && event !== null && !Array.isArray(event)) this.walk(event, this.root);
  }

  /** The value(s) at a slot for the loaded event; undefined when absent. */
  get(slot: number): SlotValue | undefined {
    return this.stamps[slot] === this.serial ? this.values[slot] : undefined;
  }

  /** A key with dots in the event stands for the nested keys (`"a.b": 1` is `a: { b: 1 }`). */
  private child(node: PathNode, key: string): PathNode | undefined {
    const direct = node.children.get(key);
    if (direct !== undefined || !key.includes('.')) return direct;
    let at: PathNode | undefined = node;
    for (const part of key.split('.')) at = at?.children.get(part);
    return at;
  }

  private walk(value: unknown, node: PathNode): void {
    if (typeof value !== 'object' || value === null) {
      if (node.slot < 0) return;
      if (typeof value === 'string' || typeof value === 'boolean' || value === null)
        this.put(node.slot, value);
      else if (typeof value === 'number' && Number.isFinite(value)) this.put(node.slot, value);
      return;
    }
    if (Array.isArray(value)) {
      for (const item of value) this.walk(item, node);
      return;
    }
    if (node.children.size === 0) return;
    const record = value as Record<string, unknown>;
    // for-in reads properties through V8's enum cache (no keys array, no
    // generic keyed load); inherited keys are dropped as Object.keys would.
    for (const key in record) {
      const next = this.child(node, key);
      if (next !== undefined && hasOwn.call(record, key)) this.walk(record[key], next);
    }
  }

  private put(slot: number, value: Scalar): void {
    if (this.stamps[slot] !== this.serial) {
      this.stamps[slot] = this.serial;
      this.values[slot] = value;
      return;
    }
    const found = this.values[slot];
    if (Array.isArray(found)) found.push(value);
    else this.values[slot] = [found as Scalar, value];
  }
}
