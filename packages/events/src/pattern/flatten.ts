/** Flattens an event into its leaf values by dotted field path. */
import type { Scalar } from './types.js';

/**
 * Field path (keys joined with `.`) -> the leaf value found there, or the list
 * of them when there are several (arrays expanded); a single value is stored
 * bare to spare an allocation per field.
 */
export type FlatEvent = Map<string, Scalar | Scalar[]>;

function walk(value: unknown, path: string, out: FlatEvent): void {
  if (typeof value !== 'object' || value === null) {
    if (typeof value === 'string' || typeof value === 'boolean' || value === null) push(out, path, value);
    else if (typeof value === 'number' && Number.isFinite(value)) push(out, path, value);
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) walk(item, path, out);
    return;
  }
  const prefix = path === '' ? '' : `${path}.`;
  const record = value as Record<string, unknown>;
  for (const key in record) if (Object.hasOwn(record, key)) walk(record[key], prefix + key, out);
}

function push(out: FlatEvent, path: string, value: Scalar): void {
  const found = out.get(path);
  if (found === undefined) out.set(path, value);
  else if (Array.isArray(found)) found.push(value);
  else out.set(path, [found, value]);
}

/** Every value at a path of a flattened event, as a list. */
export function valuesAt(fields: FlatEvent, path: string): readonly Scalar[] {
  const found = fields.get(path);
  if (found === undefined) return [];
  return Array.isArray(found) ? found : [found];
}

/**
 * Flattens an event (a JSON object); anything else has no fields.
 *
 * @example
 * flatten({ a: { b: [1, 2] }, c: 'x' }); // Map { 'a.b' => [1, 2], 'c' => 'x' }
 */
export function flatten(event: unknown): FlatEvent {
  const out: FlatEvent = new Map();
  if (typeof event === 'object' && event !== null && !Array.isArray(event)) walk(event, '', out);
  return out;
}
