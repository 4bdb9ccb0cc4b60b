/**
 * Parser for intrinsic function calls such as `States.Format('{}', $.name)`.
 */
import { type CompiledPath, compilePath } from './json-path.js';

/** One argument of an intrinsic call. */
export type IntrinsicArg =
  | { k: 'lit'; value: unknown }
  | { k: 'path'; path: CompiledPath }
  | { k: 'call'; call: IntrinsicCall };

/** A parsed call: the function name and its arguments. */
export interface IntrinsicCall {
  name: string;
  args: IntrinsicArg[];
}

/** Names of every intrinsic function. */
export const INTRINSIC_NAMES = [
  'States.Format',
  'States.StringToJson',
  'States.JsonToString',
  'States.Array',
  'States.ArrayPartition',
  'States.ArrayContains',
  'States.ArrayRange',
  'States.ArrayGetItem',
  'States.ArrayLength',
  'States.ArrayUnique',
  'States.Base64Encode',
  'States.Base64Decode',
  'States.Hash',
  'States.JsonMerge',
  'States.MathRandom',
  'States.MathAdd',
  'States.StringSplit',
  'States.UUID',
] as const;

/** How many arguments each function takes: [min, max]. */
const ARITY: Record<string, [number, number]> = {
  'States.Format': [1, Number.POSITIVE_INFINITY],
  'States.StringToJson': [1, 1],
  'States.JsonToString': [1, 1],
  'States.Array': [0, Number.POSITIVE_INFINITY],
  'States.ArrayPartition': [2, 2],
  'States.ArrayContains': [2, 2],
  'States.ArrayRange': [3, 3],
  'States.ArrayGetItem': [2, 2],
  'States.ArrayLength': [1, 1],
  'States.ArrayUnique': [1, 1],
  'States.Base64Encode': [1, 1],
  'States.Base64Decode': [1, 1],
  'States.Hash': [2, 2],
  'States.JsonMerge': [3, 3],
  'States.MathRandom': [2, 3],
  'States.MathAdd': [2, 2],
  'States.StringSplit': [2, 2],
  'States.UUID': [0, 0],
};

function checkArity(call: IntrinsicCall): void {
  const [min, max] = ARITY[call.name] ?? [0, Number.POSITIVE_INFINITY];
  const n = call.args.length;
  if (n < min || n > max) {
    const expected =
      min === max ? `${min}` : max === Number.POSITIVE_INFINITY ? `at least ${min}` : `${min} to ${max}`;
    throw new Error(`${call.name} takes ${expected} argument${expected === '1' ? '' : 's'}, got ${n}`);
  }
  const first = call.args[0];
  if (call.name === 'States.Format' && (first?.k !== 'lit' || typeof first.value !== 'string')) {
    throw new Error('the first argument of States.Format must be a string literal');
  }
}

/** True when a `.$` value is an intrinsic call rather than a path. */
export function isIntrinsic(s: string): boolean {
  return s.startsWith('States.');
}

/** Parses a call or throws an Error describing what is wrong. */
export function parseIntrinsic(src: string): IntrinsicCall {
  const p = { src, i: 0 };
  const call = parseCall(p);
  skipWs(p);
  if (p.i !== src.length) throw new Error(`unexpected text after the call at ${p.i}`);
  return call;
}

interface Cursor {
  src: string;
  i: number;
}

function skipWs(p: Cursor): void {
  while (p.src[p.i] === ' ') p.i++;
}

function parseCall(p: Cursor): IntrinsicCall {
  const m = /^States\.[A-Za-z0-9]+/.exec(p.src.slice(p.i));
  if (!m) throw new Error('expected an intrinsic function name');
  const name = m[0];
  if (!(INTRINSIC_NAMES as readonly string[]).includes(name))
    throw new Error(`unknown intrinsic function ${name}`);
  p.i += name.length;
  if (p.src[p.i] !== '(') throw new Error(`expected '(' after ${name}`);
  p.i++;
  const args: IntrinsicArg[] = [];
  skipWs(p);
  if (p.src[p.i] === ')') {
    p.i++;
    checkArity({ name, args });
    return { name, args };
  }
  for (;;) {
    skipWs(p);
    args.push(parseArg(p));
    skipWs(p);
    const c = p.src[p.i];
    p.i++;
    if (c === ')') {
      const call = { name, args };
      checkArity(call);
      return call;
    }
    if (c !== ',') throw new Error(`expected ',' or ')' in ${name}`);
  }
}

function parseArg(p: Cursor): IntrinsicArg {
  const c = p.src[p.i];
  if (c === "'") return { k: 'lit', value: parseString(p) };
  if (c === '$') return { k: 'path', path: compilePath(readPath(p)) };
  if (p.src.startsWith('States.', p.i)) return { k: 'call', call: parseCall(p) };
  const m = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|null|true|false)/.exec(p.src.slice(p.i));
  if (!m) throw new Error(`invalid argument at ${p.i}`);
  p.i += m[0].length;
  return { k: 'lit', value: JSON.parse(m[0]) };
}

function parseString(p: Cursor): string {
  let out = '';
  p.i++;
  while (p.i < p.src.length) {
    const c = p.src[p.i] as string;
    if (c === '\\') {
      const n = p.src[p.i + 1];
      if (n === undefined) break;
      out += n === "'" || n === '{' || n === '}' || n === '\\' ? `\\${n}` : n;
      p.i += 2;
      continue;
    }
    if (c === "'") {
      p.i++;
      return out;
    }
    out += c;
    p.i++;
  }
  throw new Error('unterminated string');
}

function readPath(p: Cursor): string {
  const start = p.i;
  let depth = 0;
  let quote: string | null = null;
  while (p.i < p.src.length) {
    const c = p.src[p.i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '[' || c === '(') depth++;
    else if (c === ']') depth--;
    else if (c === ')' && depth === 0) break;
    else if (c === ')') depth--;
    else if ((c === ',' || c === ' ') && depth === 0) break;
    p.i++;
  }
  return p.src.slice(start, p.i);
}

/** Removes the escapes kept in string literals (`\'`, `\{`, `\}`, `\\`). */
export function unescapeLiteral(s: string): string {
  return s.replace(/\\(.)/g, '$1');
}
