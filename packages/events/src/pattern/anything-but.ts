/** The `anything-but` operator in all its forms. */
import { pointer } from '../problem.js';
import { fail, isObject } from './fault.js';
import { NUMERIC_LIMIT, OUT_OF_RANGE } from './numeric.js';
import type { Leaf } from './types.js';
import { wildcardProblem } from './wildcard.js';

function stringList(value: unknown, path: string, what: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || list.some((v) => typeof v !== 'string')) {
    fail(path, `Inside anything-but/${what} list, number|start|null|boolean is not supported.`);
  }
  return list as string[];
}

function plainList(value: unknown[], path: string): Leaf {
  const strings = value.filter((v) => typeof v === 'string').length;
  const numbers = value.filter((v) => typeof v === 'number').length;
  const bad = value.findIndex((v) => typeof v !== 'string' && typeof v !== 'number');
  if (bad >= 0) fail(pointer(path, bad), 'Inside anything but list, start|null|boolean is not supported.');
  if (strings > 0 === numbers > 0) {
    fail(
      path,
      'Inside anything but list, either all values are number or string, mixed type is not supported',
    );
  }
  return { kind: 'anything-but', values: value as (string | number)[] };
}

function prefixOrSuffix(op: 'prefix' | 'suffix', value: unknown, path: string): Leaf {
  if (typeof value !== 'string') fail(path, 'prefix/suffix match pattern must be a string');
  if (value === '') fail(path, 'Null prefix/suffix not allowed');
  return op === 'prefix' ? { kind: 'anything-but-prefix', value } : { kind: 'anything-but-suffix', value };
}

function objectForm(expr: Record<string, unknown>, path: string): Leaf {
  const keys = Object.keys(expr);
  const op = keys[0];
  if (op === undefined) fail(path, 'Anything-but expression name not found');
  if (keys.length > 1) fail(pointer(path, keys[1] ?? ''), 'Only one key allowed in match expression');
  const at = pointer(path, op);
  const value = expr[op];
  if (op === 'prefix' || op === 'suffix') return prefixOrSuffix(op, value, at);
  if (op === 'equals-ignore-case') {
    return { kind: 'anything-but-ignore-case', values: stringList(value, at, 'equals-ignore-case') };
  }
  if (op === 'wildcard') {
    const values = stringList(value, at, 'wildcard');
    for (const [i, w] of values.entries()) {
      const reason = wildcardProblem(w);
      if (reason !== null) fail(Array.isArray(value) ? pointer(at, i) : at, reason);
    }
    return { kind: 'anything-but-wildcard', values };
  }
  return fail(at, `Unsupported anything-but pattern: ${op}`);
}

/** Parses the value of an `anything-but` key; `path` points at that value. */
export function parseAnythingBut(value: unknown, path: string): Leaf {
  if (isObject(value)) return objectForm(value, path);
  if (Array.isArray(value)) return plainList(value, path);
  if (typeof value === 'number' && Math.abs(value) > NUMERIC_LIMIT) fail(path, OUT_OF_RANGE);
  if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) {
    return { kind: 'anything-but', values: [value] };
  }
  return fail(path, 'Value of anything-but must be an array or single string/number value.');
}
