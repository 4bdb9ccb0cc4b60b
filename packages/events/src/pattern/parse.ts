/** Validates an event pattern and turns it into branches (one per `$or` choice). */
import { type Problem, pointer } from '../problem.js';
import { fail, isObject, PatternFault } from './fault.js';
import { parseLeaf } from './leaf.js';
import type { Branch, Condition, Leaf } from './types.js';

/** Limits applied while validating. */
export interface PatternOptions {
  /** Maximum length of the pattern as JSON text; AWS's default quota is 2,048. */
  readonly maxLength?: number;
}

/** The outcome of parsing: branches, or the first problem found (as AWS reports one reason). */
export type ParsedPattern =
  | { readonly ok: true; readonly branches: readonly Branch[] }
  | { readonly ok: false; readonly problems: readonly Problem[] };

type Draft = Map<string, Condition>[];
/** Field names event-ruler reserves inside `$or`: its operators and a few kept for later. */
const RESERVED: ReadonlySet<string> = new Set([
  'exactly',
  'equals-ignore-case',
  'prefix',
  'suffix',
  'anything-but',
  'exists',
  'wildcard',
  'numeric',
  'cidr',
  '=',
  '<',
  '<=',
  '>',
  '>=',
  'regex',
  'not-wildcard',
  'not-equals-ignore-case',
  'date-after',
  'date-on-or-after',
  'date-before',
  'date-on-or-before',
  'in-date-range',
  'ip-address-in-range',
  'ip-address-not-in-range',
]);

function leaves(items: unknown[], ptr: string): Leaf[] {
  if (items.length === 0) fail(ptr, 'Empty arrays are not allowed');
  return items.map((item, i) => parseLeaf(item, pointer(ptr, i)));
}

function field(key: string, value: unknown, prefix: string, ptr: string, drafts: Draft, inOr: boolean): void {
  if (inOr && RESERVED.has(key))
    fail(ptr, `${key} is Ruler reserved fieldName which cannot be used inside $or.`);
  if (isObject(value)) {
    object(value, `${prefix}${key}.`, ptr, drafts, inOr);
    return;
  }
  if (!Array.isArray(value)) fail(ptr, `"${key}" must be an object or an array`);
  const condition: Condition = { path: prefix + key, leaves: leaves(value, ptr) };
  if (drafts.length === 0) drafts.push(new Map());
  for (const draft of drafts) draft.set(condition.path, condition);
}

function or(value: unknown, prefix: string, ptr: string, drafts: Draft): void {
  if (!Array.isArray(value)) fail(ptr, 'It must be an Array followed with $or.');
  const before = drafts.map((d) => new Map(d));
  drafts.length = 0;
  for (const [i, choice] of value.entries()) {
    if (!isObject(choice)) fail(pointer(ptr, i), 'Only JSON object is allowed in array of $or relationship.');
    const copies = before.length === 0 ? [new Map()] : before.map((d) => new Map(d));
    object(choice, prefix, pointer(ptr, i), copies, true);
    drafts.push(...copies);
  }
  if (value.length < 2) fail(ptr, 'There must have at least 2 Objects in $or relationship.');
}

function object(
  obj: Record<string, unknown>,
  prefix: string,
  ptr: string,
  drafts: Draft,
  inOr: boolean,
): void {
  const keys = Object.keys(obj);
  if (keys.length === 0) fail(ptr, 'Empty objects are not allowed');
  for (const key of keys) {
    const at = pointer(ptr, key);
    if (key === '$or') or(obj[key], prefix, at, drafts);
    else field(key, obj[key], prefix, at, drafts, inOr);
  }
}

function jsonLength(pattern: unknown): number {
  try {
    return JSON.stringify(pattern)?.length ?? 0;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/** Parses a pattern (a JSON value) into branches, or explains why it is invalid. */
export function parsePattern(pattern: unknown, options: PatternOptions = {}): ParsedPattern {
  const maxLength = options.maxLength ?? 2048;
  try {
    if (!isObject(pattern)) fail('', 'Filter is not an object');
    if (jsonLength(pattern) > maxLength) {
      fail('', `Event pattern is longer than the maximum of ${maxLength} characters`);
    }
    const drafts: Draft = [];
    object(pattern, '', '', drafts, false);
    return { ok: true, branches: drafts.map((d) => [...d.values()]) };
  } catch (e) {
    if (e instanceof PatternFault) return { ok: false, problems: [{ path: e.path, message: e.message }] };
    return { ok: false, problems: [{ path: '', message: `Event pattern is not valid JSON: ${String(e)}` }] };
  }
}

/**
 * Validates an event pattern as EventBridge does; never throws.
 *
 * @example
 * validatePattern({ source: ['aws.ec2'] });   // []
 * validatePattern({ source: 'aws.ec2' });     // [{ path: '/source', message: '"source" must be an object or an array' }]
 */
export function validatePattern(pattern: unknown, options: PatternOptions = {}): Problem[] {
  const parsed = parsePattern(pattern, options);
  return parsed.ok ? [] : [...parsed.problems];
}
