/**
 * JSONPath as Step Functions uses it (a Jayway-compatible subset): names,
 * indexes, wildcards, slices, unions, deep scan and simple filters. Paths are
 * compiled once into closures.
 */

/** Marker for "the path selects nothing". */
export const MISSING: unique symbol = Symbol('missing');
export type Found = unknown | typeof MISSING;

type Segment =
  | { k: 'name'; name: string }
  | { k: 'index'; index: number }
  | { k: 'wild' }
  | { k: 'deep'; name: string | null }
  | { k: 'slice'; start: number | null; end: number | null; step: number }
  | { k: 'union'; keys: (string | number)[] }
  | { k: 'filter'; test: (v: unknown) => boolean };

/** A compiled path: `root` is `$` (the input, the context object or a variable). */
export interface CompiledPath {
  readonly source: string;
  /** Where the path starts: the input (`$`), the context object (`$$`) or a variable (`$name`). */
  readonly base: { k: 'input' } | { k: 'context' } | { k: 'var'; name: string };
  /** True when the path selects at most one value (reference path). */
  readonly definite: boolean;
  readonly segments: readonly Segment[];
  /** The selected value; MISSING when nothing; an array for indefinite paths. */
  get(root: unknown): Found;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*/;

/** Compiles a path or throws an Error with a message. */
export function compilePath(source: string): CompiledPath {
  if (typeof source !== 'string' || !source.startsWith('$')) throw new Error(`path must start with '$'`);
  let i = 1;
  let base: CompiledPath['base'] = { k: 'input' };
  if (source.startsWith('$$')) {
    base = { k: 'context' };
    i = 2;
  } else {
    const m = NAME.exec(source.slice(1));
    if (m) {
      base = { k: 'var', name: m[0] };
      i = 1 + m[0].length;
    }
  }
  const segments = parseSegments(source, i);
  const definite = segments.every((s) => s.k === 'name' || s.k === 'index');
  const get = definite ? definiteGetter(segments) : (root: unknown) => selectAll(root, segments);
  return { source, base, definite, segments, get };
}

function definiteGetter(segments: readonly Segment[]): (root: unknown) => Found {
  const keys = segments.map((s) => (s.k === 'name' ? s.name : s.k === 'index' ? s.index : ''));
  if (keys.length === 0) return (root) => root;
  return (root) => {
    let cur: unknown = root;
    for (const key of keys) {
      if (typeof key === 'number') {
        if (!Array.isArray(cur)) return MISSING;
        const idx = key < 0 ? cur.length + key : key;
        if (idx < 0 || idx >= cur.length) return MISSING;
        cur = cur[idx];
      } else {
        if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !Object.hasOwn(cur, key)) {
          return MISSING;
        }
        cur = (cur as Record<string, unknown>)[key];
      }
    }
    return cur;
  };
}

function parseSegments(src: string, start: number): Segment[] {
  const out: Segment[] = [];
  let i = start;
  while (i < src.length) {
    const c = src[i];
    if (c === '.' && src[i + 1] === '.') {
      i += 2;
      if (src[i] === '*') {
        out.push({ k: 'deep', name: null });
        i++;
        continue;
      }
      const m = NAME.exec(src.slice(i));
      if (!m) throw new Error(`invalid deep scan at ${i}`);
      out.push({ k: 'deep', name: m[0] });
      i += m[0].length;
    } else if (c === '.') {
      i++;
      if (src[i] === '*') {
        out.push({ k: 'wild' });
        i++;
        continue;
      }
      const m = /^[^.[\]\s]+/.exec(src.slice(i));
      if (!m) throw new Error(`expected a name at ${i}`);
      out.push({ k: 'name', name: m[0] });
      i += m[0].length;
    } else if (c === '[') {
      const end = findClose(src, i);
      out.push(parseBracket(src.slice(i + 1, end).trim()));
      i = end + 1;
    } else {
      throw new Error(`unexpected '${c}' at ${i}`);
    }
  }
  return out;
}

function findClose(src: string, open: number): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = open; i < src.length; i++) {
    const c = src[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '[' || c === '(') depth++;
    else if (c === ']' || c === ')') {
      depth--;
      if (depth === 0 && c === ']') return i;
    }
  }
  throw new Error('unclosed bracket');
}

function parseBracket(body: string): Segment {
  if (body === '*') return { k: 'wild' };
  if (body.startsWith('?(') && body.endsWith(')'))
    return { k: 'filter', test: compileFilter(body.slice(2, -1)) };
  if (/^-?\d*:-?\d*(:-?\d+)?$/.test(body)) {
    const [a, b, c] = body.split(':');
    const num = (s: string | undefined) => (s === undefined || s === '' ? null : Number(s));
    return { k: 'slice', start: num(a), end: num(b), step: num(c) ?? 1 };
  }
  const parts = splitTop(body, ',').map((p) => parseKey(p.trim()));
  if (parts.length === 1) {
    const only = parts[0] as string | number;
    return typeof only === 'number' ? { k: 'index', index: only } : { k: 'name', name: only };
  }
  return { k: 'union', keys: parts };
}

function parseKey(p: string): string | number {
  if (/^-?\d+$/.test(p)) return Number(p);
  const q = p[0];
  if ((q === "'" || q === '"') && p.endsWith(q) && p.length >= 2)
    return p.slice(1, -1).replace(/\\(.)/g, '$1');
  throw new Error(`invalid bracket expression '${p}'`);
}

function splitTop(s: string, sep: string): string[] {
  const out: string[] = [];
  let quote: string | null = null;
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"') quote = c;
    else if (s.startsWith(sep, i)) {
      out.push(cur);
      cur = '';
      i += sep.length - 1;
      continue;
    }
    cur += c;
  }
  out.push(cur);
  return out;
}

const COMPARE = /^(@[^=!<>\s]*)\s*(==|!=|<=|>=|<|>)\s*(.+)$/;

function compileFilter(expr: string): (v: unknown) => boolean {
  const ors = splitTop(expr, '||');
  if (ors.length > 1) {
    const fs = ors.map((e) => compileFilter(e.trim()));
    return (v) => fs.some((f) => f(v));
  }
  const ands = splitTop(expr, '&&');
  if (ands.length > 1) {
    const fs = ands.map((e) => compileFilter(e.trim()));
    return (v) => fs.every((f) => f(v));
  }
  const m = COMPARE.exec(expr.trim());
  if (!m) {
    const p = compileRelative(expr.trim());
    return (v) => p.get(v) !== MISSING;
  }
  const left = compileRelative(m[1] as string);
  const op = m[2] as string;
  const right = parseLiteral((m[3] as string).trim());
  return (v) => {
    const l = left.get(v);
    if (l === MISSING) return false;
    switch (op) {
      case '==':
        return l === right;
      case '!=':
        return l !== right;
      default:
        return typeof l === typeof right && compareOp(op, l as number, right as number);
    }
  };
}

function compareOp(op: string, l: number | string, r: number | string): boolean {
  if (op === '<') return l < r;
  if (op === '<=') return l <= r;
  if (op === '>') return l > r;
  return l >= r;
}

function compileRelative(expr: string): CompiledPath {
  if (!expr.startsWith('@')) throw new Error(`filter must start with '@': ${expr}`);
  return compilePath(`$${expr.slice(1)}`);
}

function parseLiteral(s: string): unknown {
  if (s.startsWith("'") && s.endsWith("'")) return s.slice(1, -1);
  try {
    return JSON.parse(s);
  } catch {
    throw new Error(`invalid filter literal ${s}`);
  }
}

function selectAll(root: unknown, segments: readonly Segment[]): unknown[] {
  let cur: unknown[] = [root];
  for (const seg of segments) {
    const next: unknown[] = [];
    for (const v of cur) step(v, seg, next);
    cur = next;
  }
  return cur;
}

function children(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (v !== null && typeof v === 'object') return Object.values(v);
  return [];
}

function pick(v: unknown, key: string | number, out: unknown[]): void {
  if (typeof key === 'number') {
    if (Array.isArray(v)) {
      const idx = key < 0 ? v.length + key : key;
      if (idx >= 0 && idx < v.length) out.push(v[idx]);
    }
  } else if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.hasOwn(v, key)) {
    out.push((v as Record<string, unknown>)[key]);
  }
}

function step(v: unknown, seg: Segment, out: unknown[]): void {
  switch (seg.k) {
    case 'name':
      pick(v, seg.name, out);
      return;
    case 'index':
      pick(v, seg.index, out);
      return;
    case 'union':
      for (const key of seg.keys) pick(v, key, out);
      return;
    case 'wild':
      out.push(...children(v));
      return;
    case 'filter':
      for (const c of children(v)) if (seg.test(c)) out.push(c);
      return;
    case 'slice':
      if (Array.isArray(v)) out.push(...slice(v, seg.start, seg.end, seg.step));
      return;
    case 'deep':
      deep(v, seg.name, out);
  }
}

function slice(v: unknown[], start: number | null, end: number | null, stepBy: number): unknown[] {
  const n = v.length;
  const norm = (x: number) => (x < 0 ? Math.max(0, n + x) : Math.min(n, x));
  const s = start === null ? 0 : norm(start);
  const e = end === null ? n : norm(end);
  const out: unknown[] = [];
  for (let i = s; i < e; i += Math.max(1, stepBy)) out.push(v[i]);
  return out;
}

function deep(v: unknown, name: string | null, out: unknown[]): void {
  if (v === null || typeof v !== 'object') return;
  if (name === null) out.push(...children(v));
  else pick(v, name, out);
  for (const c of children(v)) deep(c, name, out);
}

/**
 * Returns a copy of `root` with `value` placed at a reference path (ResultPath).
 * Throws an Error when the path runs through a non-object.
 */
export function setAtPath(root: unknown, path: CompiledPath, value: unknown): unknown {
  const keys: (string | number)[] = [];
  for (const s of path.segments) {
    if (s.k === 'name') keys.push(s.name);
    else if (s.k === 'index') keys.push(s.index);
    else throw new Error('ResultPath must be a reference path');
  }
  return setIn(root, keys, 0, value);
}

function setIn(cur: unknown, keys: (string | number)[], i: number, value: unknown): unknown {
  if (i === keys.length) return value;
  const key = keys[i] as string | number;
  if (typeof key === 'number') {
    if (!Array.isArray(cur) || key >= cur.length) throw new Error('index out of range');
    const copy = cur.slice();
    copy[key < 0 ? cur.length + key : key] = setIn(cur[key], keys, i + 1, value);
    return copy;
  }
  if (cur === undefined) cur = {};
  if (typeof cur !== 'object' || Array.isArray(cur)) throw new Error('not an object');
  const obj = cur as Record<string, unknown>;
  return { ...obj, [key]: setIn(obj[key], keys, i + 1, value) };
}
