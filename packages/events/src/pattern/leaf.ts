/** One element of a field's array in a pattern: a literal or a match expression object. */
import { pointer } from '../problem.js';
import { parseAnythingBut } from './anything-but.js';
import { fail, isObject } from './fault.js';
import { parseCidr } from './ip.js';
import { parseNumeric } from './numeric.js';
import type { Leaf } from './types.js';
import { wildcardProblem } from './wildcard.js';

function str(value: unknown, path: string, op: string): string {
  if (typeof value !== 'string') fail(path, `${op} match pattern must be a string`);
  return value;
}

function affix(op: 'prefix' | 'suffix', value: unknown, path: string): Leaf {
  if (isObject(value)) {
    const keys = Object.keys(value);
    if (keys.length !== 1 || keys[0] !== 'equals-ignore-case') {
      fail(path, `${op} match pattern must be a string`);
    }
    const v = str(value['equals-ignore-case'], pointer(path, 'equals-ignore-case'), 'equals-ignore-case');
    return { kind: op, value: v, ignoreCase: true };
  }
  return { kind: op, value: str(value, path, op), ignoreCase: false };
}

function expression(op: string, value: unknown, path: string): Leaf {
  switch (op) {
    case 'prefix':
    case 'suffix':
      return affix(op, value, path);
    case 'equals-ignore-case':
      return { kind: 'equals-ignore-case', value: str(value, path, op) };
    case 'exactly':
      return { kind: 'exact', value: str(value, path, 'exact') };
    case 'wildcard': {
      const reason = wildcardProblem(str(value, path, op));
      if (reason !== null) fail(path, reason);
      return { kind: 'wildcard', value: value as string };
    }
    case 'numeric':
      return { kind: 'numeric', range: parseNumeric(value, path) };
    case 'exists':
      if (typeof value !== 'boolean') fail(path, 'exists match pattern must be either true or false.');
      return { kind: 'exists', value };
    case 'cidr': {
      const block = parseCidr(str(value, path, 'prefix'));
      if (typeof block === 'string') fail(path, block);
      return { kind: 'cidr', ...block };
    }
    case 'anything-but':
      return parseAnythingBut(value, path);
    default:
      return fail(path, `Unrecognized match type ${op}`);
  }
}

/** Parses one element of a field's array; `path` points at that element. */
export function parseLeaf(value: unknown, path: string): Leaf {
  if (value === null || typeof value === 'string' || typeof value === 'boolean')
    return { kind: 'exact', value };
  if (typeof value === 'number' && Number.isFinite(value)) return { kind: 'exact', value };
  if (!isObject(value)) return fail(path, 'Match value must be String, number, true, false, or null');
  const keys = Object.keys(value);
  const op = keys[0];
  if (op === undefined) return fail(path, 'Match expression name not found');
  if (keys.length > 1) {
    const message =
      op === 'numeric' || op === 'anything-but'
        ? 'Too many elements in numeric expression'
        : 'Only one key allowed in match expression';
    return fail(pointer(path, keys[1] ?? ''), message);
  }
  return expression(op, value[op], pointer(path, op));
}
