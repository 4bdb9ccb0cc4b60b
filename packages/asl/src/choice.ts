/**
 * Choice rules (JSONPath form) compiled into predicates: every comparison
 * operator and its `...Path` form, `Is*` tests, `And`/`Or`/`Not`.
 */
import { type Env, readPath } from './env.js';
import { AslError, StatesError } from './errors.js';
import { isObject } from './json.js';
import { type CompiledPath, compilePath, MISSING } from './json-path.js';

/** A compiled rule: true when it matches. */
export type Predicate = (input: unknown, env: Env) => boolean;

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** The comparison operators and how each compares. */
const COMPARATORS = {
  StringEquals: ['string', (a: string, b: string) => a === b],
  StringLessThan: ['string', (a: string, b: string) => a < b],
  StringGreaterThan: ['string', (a: string, b: string) => a > b],
  StringLessThanEquals: ['string', (a: string, b: string) => a <= b],
  StringGreaterThanEquals: ['string', (a: string, b: string) => a >= b],
  NumericEquals: ['number', (a: number, b: number) => a === b],
  NumericLessThan: ['number', (a: number, b: number) => a < b],
  NumericGreaterThan: ['number', (a: number, b: number) => a > b],
  NumericLessThanEquals: ['number', (a: number, b: number) => a <= b],
  NumericGreaterThanEquals: ['number', (a: number, b: number) => a >= b],
  BooleanEquals: ['boolean', (a: boolean, b: boolean) => a === b],
  TimestampEquals: ['timestamp', (a: number, b: number) => a === b],
  TimestampLessThan: ['timestamp', (a: number, b: number) => a < b],
  TimestampGreaterThan: ['timestamp', (a: number, b: number) => a > b],
  TimestampLessThanEquals: ['timestamp', (a: number, b: number) => a <= b],
  TimestampGreaterThanEquals: ['timestamp', (a: number, b: number) => a >= b],
} as const;

const TESTS = ['IsNull', 'IsPresent', 'IsNumeric', 'IsString', 'IsBoolean', 'IsTimestamp'] as const;

/** Every operator name a JSONPath Choice rule may use. */
export const CHOICE_OPERATORS: readonly string[] = [
  ...Object.keys(COMPARATORS),
  ...Object.keys(COMPARATORS).map((k) => `${k}Path`),
  'StringMatches',
  ...TESTS,
];

function isTimestamp(v: unknown): v is string {
  return typeof v === 'string' && RFC3339.test(v) && !Number.isNaN(Date.parse(v));
}

function typed(kind: string, v: unknown): unknown {
  if (kind === 'timestamp') return isTimestamp(v) ? Date.parse(v) : MISSING;
  return typeof v === kind ? v : MISSING;
}

/** Compiles a `StringMatches` pattern (`*` wildcard, `\*` and `\\` escapes). */
export function compileWildcard(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '\\' && i + 1 < pattern.length) {
      re += (pattern[++i] as string).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    } else if (c === '*') re += '[\\s\\S]*';
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function test(name: (typeof TESTS)[number], v: unknown): boolean {
  switch (name) {
    case 'IsNull':
      return v === null;
    case 'IsPresent':
      return v !== MISSING;
    case 'IsNumeric':
      return typeof v === 'number';
    case 'IsString':
      return typeof v === 'string';
    case 'IsBoolean':
      return typeof v === 'boolean';
    case 'IsTimestamp':
      return isTimestamp(v);
  }
}

function operatorOf(rule: Record<string, unknown>): string {
  const op = Object.keys(rule).find((k) => CHOICE_OPERATORS.includes(k));
  if (!op) throw new Error('a rule needs a comparison operator, And, Or or Not');
  return op;
}

function compileComparison(rule: Record<string, unknown>): Predicate {
  const variable = compilePath(String(rule.Variable));
  const op = operatorOf(rule);
  const expected = rule[op];
  const read = (input: unknown, env: Env) => {
    const v = readPath(variable, input, env);
    if (v === MISSING && op !== 'IsPresent') {
      throw new AslError(
        StatesError.Runtime,
        `Invalid path '${variable.source}': The choice state's condition path references an invalid value.`,
      );
    }
    return v;
  };
  if ((TESTS as readonly string[]).includes(op)) {
    const name = op as (typeof TESTS)[number];
    return (input, env) => test(name, read(input, env)) === expected;
  }
  if (op === 'StringMatches') {
    const re = compileWildcard(String(expected));
    return (input, env) => {
      const v = read(input, env);
      return typeof v === 'string' && re.test(v);
    };
  }
  const isPath = op.endsWith('Path');
  const base = (isPath ? op.slice(0, -4) : op) as keyof typeof COMPARATORS;
  const [kind, cmp] = COMPARATORS[base];
  const compare = cmp as (a: unknown, b: unknown) => boolean;
  const otherPath: CompiledPath | null = isPath ? compilePath(String(expected)) : null;
  const fixed = isPath ? MISSING : typed(kind, expected);
  return (input, env) => {
    const a = typed(kind, read(input, env));
    const b = otherPath ? typed(kind, readPath(otherPath, input, env)) : fixed;
    return a !== MISSING && b !== MISSING && compare(a, b);
  };
}

/** Compiles one JSONPath rule (without its `Next`). Throws an Error on a malformed rule. */
export function compileRule(rule: unknown): Predicate {
  if (!isObject(rule)) throw new Error('a rule must be an object');
  if (Array.isArray(rule.And)) {
    const ps = rule.And.map(compileRule);
    return (i, e) => ps.every((p) => p(i, e));
  }
  if (Array.isArray(rule.Or)) {
    const ps = rule.Or.map(compileRule);
    return (i, e) => ps.some((p) => p(i, e));
  }
  if (rule.Not !== undefined) {
    const p = compileRule(rule.Not);
    return (i, e) => !p(i, e);
  }
  return compileComparison(rule);
}
