import type { SpecProblem } from './types.js';

/**
 * The subset of JSON Schema (draft 2020-12) the spec schema uses, and a
 * checker for it that reports every problem with its JSON pointer. Keeping
 * the schema as data means the published schema and the validation can
 * never disagree.
 */
export interface Schema {
  $schema?: string;
  $id?: string;
  title?: string;
  description?: string;
  type?: 'object' | 'array' | 'string' | 'integer' | 'boolean';
  const?: string | boolean;
  enum?: readonly string[];
  properties?: Record<string, Schema>;
  required?: readonly string[];
  additionalProperties?: false;
  items?: Schema;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  anyOf?: readonly Schema[];
}

/**
 * Escapes one reference token of a JSON pointer (RFC 6901).
 *
 * @example
 * pointer('/roles', 'a/b') // '/roles/a~1b'
 */
export function pointer(base: string, token: string | number): string {
  return `${base}/${String(token).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

function typeOk(type: Schema['type'], v: unknown): boolean {
  switch (type) {
    case 'object':
      return v !== null && typeof v === 'object' && !Array.isArray(v);
    case 'array':
      return Array.isArray(v);
    case 'integer':
      return Number.isInteger(v);
    case 'string':
    case 'boolean':
      return typeof v === type;
    default:
      return true;
  }
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return article(typeof v);
}

function checkScalar(s: Schema, v: unknown, path: string, out: SpecProblem[]): void {
  if (s.const !== undefined && v !== s.const)
    out.push({ path, message: `must be ${JSON.stringify(s.const)}` });
  if (s.enum && !s.enum.includes(v as string))
    out.push({ path, message: `must be one of ${s.enum.map((e) => JSON.stringify(e)).join(', ')}` });
  if (typeof v === 'string') {
    if (s.minLength !== undefined && v.length < s.minLength)
      out.push({ path, message: `must have at least ${s.minLength} character(s)` });
    if (s.maxLength !== undefined && v.length > s.maxLength)
      out.push({ path, message: `must have at most ${s.maxLength} characters` });
  }
  if (typeof v === 'number') {
    if (s.minimum !== undefined && v < s.minimum) out.push({ path, message: `must be >= ${s.minimum}` });
    if (s.maximum !== undefined && v > s.maximum) out.push({ path, message: `must be <= ${s.maximum}` });
  }
}

function checkObject(s: Schema, v: Record<string, unknown>, path: string, out: SpecProblem[]): void {
  for (const key of s.required ?? [])
    if (!Object.hasOwn(v, key)) out.push({ path: pointer(path, key), message: 'is required' });
  for (const [key, value] of Object.entries(v)) {
    const sub = s.properties?.[key];
    if (sub) checkSchema(sub, value, pointer(path, key), out);
    else if (s.additionalProperties === false)
      out.push({ path: pointer(path, key), message: 'is not a known field' });
  }
}

function checkAnyOf(branches: readonly Schema[], v: unknown, path: string, out: SpecProblem[]): void {
  let best: SpecProblem[] | undefined;
  for (const b of branches) {
    const found: SpecProblem[] = [];
    checkSchema(b, v, path, found);
    if (found.length === 0) return;
    if (!best || found.length < best.length) best = found;
  }
  out.push(...(best ?? []));
}

/**
 * Checks `v` against `s`, appending every problem to `out`. Never throws.
 *
 * @example
 * const out: SpecProblem[] = [];
 * checkSchema({ type: 'object', required: ['name'] }, {}, '', out); // out: [{ path: '/name', ... }]
 */
export function checkSchema(s: Schema, v: unknown, path: string, out: SpecProblem[]): void {
  if (s.anyOf) {
    checkAnyOf(s.anyOf, v, path, out);
    return;
  }
  if (!typeOk(s.type, v)) {
    out.push({ path, message: `must be ${article(s.type ?? '')}, not ${describe(v)}` });
    return;
  }
  checkScalar(s, v, path, out);
  if (s.type === 'object') checkObject(s, v as Record<string, unknown>, path, out);
  if (s.type === 'array' && s.items) {
    const items = s.items;
    (v as unknown[]).forEach((item, i) => {
      checkSchema(items, item, pointer(path, i), out);
    });
  }
}
