/** `{"numeric": [">", 0, "<=", 5]}` and `{"numeric": ["=", 3]}` into a NumericRange. */
import { pointer } from '../problem.js';
import { fail } from './fault.js';
import type { NumericRange } from './types.js';

const LOWER = new Set(['>', '>=']);

/** event-ruler compares numbers in -5e9..5e9 only (six decimals). */
export const NUMERIC_LIMIT = 5e9;

/** event-ruler's reason for a number outside the comparable range. */
export const OUT_OF_RANGE = 'Value must be between -5.0E9 and 5.0E9, inclusive';

function num(items: readonly unknown[], i: number, op: string, path: string): number {
  const v = items[i];
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(pointer(path, i), `Value of ${op} must be numeric`);
  if (Math.abs(v) > NUMERIC_LIMIT) fail(pointer(path, i), OUT_OF_RANGE);
  return v;
}

function upper(items: readonly unknown[], i: number, path: string): { hi: number; hiOpen: boolean } {
  const op = items[i];
  if (op !== '<' && op !== '<=') fail(pointer(path, i), `Bad numeric range operator: ${String(op)}`);
  const hi = num(items, i + 1, op, path);
  if (items.length > i + 2) fail(pointer(path, i + 2), 'Too many terms in numeric range expression');
  return { hi, hiOpen: op === '<' };
}

/** Parses the array of a numeric expression; `path` points at that array. */
export function parseNumeric(items: unknown, path: string): NumericRange {
  if (!Array.isArray(items)) fail(path, 'Value of numeric must be an array.');
  const op = items[0];
  if (typeof op !== 'string')
    fail(pointer(path, 0), `Invalid member in numeric match: ${JSON.stringify(op) ?? ']'}`);
  if (op === '=' || op === '<' || op === '<=') {
    const v = num(items, 1, op, path);
    if (items.length > 2) fail(pointer(path, 2), 'Too many elements in numeric expression');
    if (op === '=') return { lo: v, loOpen: false, hi: v, hiOpen: false };
    return { lo: Number.NEGATIVE_INFINITY, loOpen: true, hi: v, hiOpen: op === '<' };
  }
  if (!LOWER.has(op)) fail(pointer(path, 0), `Unrecognized numeric range operator: ${op}`);
  const lo = num(items, 1, op, path);
  const loOpen = op === '>';
  if (items.length === 2) return { lo, loOpen, hi: Number.POSITIVE_INFINITY, hiOpen: true };
  const { hi, hiOpen } = upper(items, 2, path);
  if (lo >= hi) fail(path, 'Bottom must be less than top');
  return { lo, loOpen, hi, hiOpen };
}
