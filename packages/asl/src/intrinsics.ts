/**
 * Evaluation of intrinsic functions with AWS's argument checks; failures raise
 * `States.Runtime` (AWS reserves `States.IntrinsicFailure` and reports intrinsic failures as `States.Runtime`).
 */
import { base64Decode as b64decode, base64Encode as b64encode, utf8Decode, utf8Encode } from './bytes.js';
import { type Env, readPath } from './env.js';
import { AslError, StatesError } from './errors.js';
import { digest, HASH_ALGORITHMS } from './hash.js';
import { type IntrinsicArg, type IntrinsicCall, unescapeLiteral } from './intrinsics-parse.js';
import { deepEqual } from './json.js';
import { MISSING } from './json-path.js';
import { uuid } from './random.js';

type Fn = (args: unknown[], env: Env, call: IntrinsicCall) => unknown;

function fail(name: string, message: string): never {
  throw new AslError(StatesError.Runtime, `Invalid arguments in ${name}: ${message}`);
}

function count(name: string, args: unknown[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    fail(name, `expected ${min === max ? min : `${min} to ${max}`} arguments, got ${args.length}`);
  }
}

function arr(name: string, v: unknown): unknown[] {
  if (!Array.isArray(v)) fail(name, 'expected an array');
  return v;
}

function str(name: string, v: unknown): string {
  if (typeof v !== 'string') fail(name, 'expected a string');
  return v;
}

function int(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) fail(name, 'expected an integer');
  return v;
}

function format(args: unknown[], _env: Env, call: IntrinsicCall): string {
  const first = call.args[0];
  if (first?.k !== 'lit' || typeof first.value !== 'string')
    fail(call.name, 'the first argument must be a string literal');
  const template = first.value;
  const parts = template.split(/(?<!\\)\{\}/);
  if (parts.length - 1 !== args.length - 1) {
    fail(
      call.name,
      `the template has ${parts.length - 1} placeholders but ${args.length - 1} values were given`,
    );
  }
  let out = unescapeLiteral(parts[0] as string);
  for (let i = 1; i < parts.length; i++) {
    const v = args[i];
    if (v !== null && typeof v === 'object')
      fail(call.name, 'values must be strings, numbers, booleans or null');
    out += (typeof v === 'string' ? v : JSON.stringify(v)) + unescapeLiteral(parts[i] as string);
  }
  return out;
}

function range(args: unknown[]): number[] {
  const n = 'States.ArrayRange';
  count(n, args, 3);
  const [a, b, s] = [int(n, args[0]), int(n, args[1]), int(n, args[2])];
  if (s === 0) fail(n, 'the step must not be 0');
  const out: number[] = [];
  for (let i = a; s > 0 ? i <= b : i >= b; i += s) {
    out.push(i);
    if (out.length > 1000) fail(n, 'the result may not have more than 1000 items');
  }
  return out;
}

function base64Encode(args: unknown[]): string {
  const n = 'States.Base64Encode';
  count(n, args, 1);
  const s = str(n, args[0]);
  if (s.length > 10000) fail(n, 'the input may not be longer than 10000 characters');
  return b64encode(utf8Encode(s));
}

function base64Decode(args: unknown[]): string {
  const n = 'States.Base64Decode';
  count(n, args, 1);
  const s = str(n, args[0]);
  if (s.length > 10000) fail(n, 'the input may not be longer than 10000 characters');
  try {
    return utf8Decode(b64decode(s));
  } catch {
    return fail(n, 'the input is not valid base64');
  }
}

const FUNCTIONS: Record<string, Fn> = {
  'States.Format': format,
  'States.StringToJson': (a) => {
    count('States.StringToJson', a, 1);
    try {
      return JSON.parse(str('States.StringToJson', a[0]));
    } catch {
      return fail('States.StringToJson', 'the string is not valid JSON');
    }
  },
  'States.JsonToString': (a) => {
    count('States.JsonToString', a, 1);
    return JSON.stringify(a[0]);
  },
  'States.Array': (a) => a,
  'States.ArrayPartition': (a) => {
    const n = 'States.ArrayPartition';
    count(n, a, 2);
    const items = arr(n, a[0]);
    const size = int(n, a[1]);
    if (size <= 0) fail(n, 'the chunk size must be greater than 0');
    const out: unknown[][] = [];
    for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
    return out;
  },
  'States.ArrayContains': (a) => {
    count('States.ArrayContains', a, 2);
    return arr('States.ArrayContains', a[0]).some((x) => deepEqual(x, a[1]));
  },
  'States.ArrayRange': range,
  'States.ArrayGetItem': (a) => {
    const n = 'States.ArrayGetItem';
    count(n, a, 2);
    const items = arr(n, a[0]);
    const i = int(n, a[1]);
    if (i < 0 || i >= items.length) fail(n, 'the index is out of range');
    return items[i];
  },
  'States.ArrayLength': (a) => {
    count('States.ArrayLength', a, 1);
    return arr('States.ArrayLength', a[0]).length;
  },
  'States.ArrayUnique': (a) => {
    count('States.ArrayUnique', a, 1);
    const out: unknown[] = [];
    for (const x of arr('States.ArrayUnique', a[0])) if (!out.some((y) => deepEqual(x, y))) out.push(x);
    return out;
  },
  'States.Base64Encode': base64Encode,
  'States.Base64Decode': base64Decode,
  'States.Hash': (a) => {
    const n = 'States.Hash';
    count(n, a, 2);
    const alg = str(n, a[1]);
    if (!(HASH_ALGORITHMS as readonly string[]).includes(alg)) fail(n, `unsupported algorithm ${alg}`);
    const data = typeof a[0] === 'string' ? a[0] : JSON.stringify(a[0]);
    if (data.length > 10000) fail(n, 'the input may not be longer than 10000 characters');
    return digest(data, alg as (typeof HASH_ALGORITHMS)[number]);
  },
  'States.JsonMerge': (a) => {
    const n = 'States.JsonMerge';
    count(n, a, 3);
    const isObj = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
    if (!isObj(a[0]) || !isObj(a[1])) fail(n, 'expected two objects');
    if (a[2] !== false) fail(n, 'only shallow merging (false) is supported');
    return { ...(a[0] as object), ...(a[1] as object) };
  },
  'States.MathRandom': (a, env) => {
    const n = 'States.MathRandom';
    count(n, a, 2, 3);
    const lo = int(n, a[0]);
    const hi = int(n, a[1]);
    if (a.length === 3) int(n, a[2]);
    if (hi <= lo) fail(n, 'the end must be greater than the start');
    return lo + Math.floor(env.random.next() * (hi - lo));
  },
  'States.MathAdd': (a) => {
    count('States.MathAdd', a, 2);
    return int('States.MathAdd', a[0]) + int('States.MathAdd', a[1]);
  },
  'States.StringSplit': (a) => {
    const n = 'States.StringSplit';
    count(n, a, 2);
    const s = str(n, a[0]);
    const delims = [...str(n, a[1])];
    if (delims.length === 0) return [s];
    return s.split(new RegExp(`[${delims.map((c) => c.replace(/[\]\\^-]/g, '\\$&')).join('')}]`));
  },
  'States.UUID': (a, env) => {
    count('States.UUID', a, 0);
    return uuid(env.random);
  },
};

function evalArg(arg: IntrinsicArg, input: unknown, env: Env): unknown {
  if (arg.k === 'lit') return typeof arg.value === 'string' ? unescapeLiteral(arg.value) : arg.value;
  if (arg.k === 'call') return evaluateIntrinsic(arg.call, input, env);
  const v = readPath(arg.path, input, env);
  if (v === MISSING) {
    throw new AslError(
      StatesError.Runtime,
      `The JsonPath argument ${arg.path.source} could not be found in the input`,
    );
  }
  return v;
}

/** Evaluates a parsed call against `$` = input. */
export function evaluateIntrinsic(call: IntrinsicCall, input: unknown, env: Env): unknown {
  const fn = FUNCTIONS[call.name];
  if (!fn) throw new AslError(StatesError.Runtime, `Unknown function ${call.name}`);
  const args = call.args.map((a) => evalArg(a, input, env));
  return fn(args, env, call);
}
