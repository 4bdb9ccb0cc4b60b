/**
 * JSONata for states with `QueryLanguage: "JSONata"`: strings of the form
 * `{% expression %}` anywhere in a template are evaluated with the official
 * `jsonata` package; `$states` and variables are bound.
 */
import jsonata from 'jsonata';
import { AslError, messageOf, StatesError } from './errors.js';
import { digest, HASH_ALGORITHMS } from './hash.js';
import { isObject } from './json.js';
import { type RandomSource, uuid } from './random.js';

/** Bindings visible to an expression: `$states` and the variables. */
export interface JsonataScope {
  states: Record<string, unknown>;
  variables: Record<string, unknown>;
  random: RandomSource;
}

/** A compiled JSONata template. `isStatic` templates hold no expression. */
export interface JsonataTemplate {
  readonly isStatic: boolean;
  evaluate(scope: JsonataScope): Promise<unknown> | unknown;
}

const EXPR = /^\{%([\s\S]*)%\}$/;

/** True when a string is a `{% %}` expression. */
export function isJsonataExpression(v: unknown): v is string {
  return typeof v === 'string' && EXPR.test(v);
}

/** Parses one expression; throws an Error on bad syntax. */
export function parseJsonata(source: string): jsonata.Expression {
  const m = EXPR.exec(source);
  return jsonata((m ? (m[1] as string) : source).trim());
}

function bindings(scope: JsonataScope): Record<string, unknown> {
  return {
    ...scope.variables,
    states: scope.states,
    uuid: () => uuid(scope.random),
    random: (seed?: number) => (seed === undefined ? scope.random.next() : seededValue(seed)),
    partition: (arr: unknown[], size: number) => {
      const out: unknown[][] = [];
      for (let i = 0; i < arr.length; i += size) out.push(arr.slice(i, i + size));
      return out;
    },
    range: (start: number, end: number, step: number) => {
      const out: number[] = [];
      for (let i = start; step > 0 ? i <= end : i >= end; i += step) out.push(i);
      return out;
    },
    hash: (data: string, alg: string) => {
      if (!(HASH_ALGORITHMS as readonly string[]).includes(alg))
        throw new Error(`unsupported algorithm ${alg}`);
      return digest(data, alg as (typeof HASH_ALGORITHMS)[number]);
    },
    parse: (s: string) => JSON.parse(s),
  };
}

function seededValue(seed: number): number {
  const x = Math.sin(seed) * 10000;
  return x - Math.floor(x);
}

async function run(expr: jsonata.Expression, source: string, scope: JsonataScope): Promise<unknown> {
  let v: unknown;
  try {
    v = await expr.evaluate(scope.states.input, bindings(scope));
  } catch (e) {
    throw new AslError(
      StatesError.QueryEvaluationError,
      `An error occurred while evaluating ${source}: ${messageOf(e)}`,
    );
  }
  return v;
}

/** Compiles a JSONata template (any JSON value with `{% %}` strings inside). */
export function compileJsonataTemplate(value: unknown): JsonataTemplate {
  if (isJsonataExpression(value)) {
    const expr = parseJsonata(value);
    return { isStatic: false, evaluate: (scope) => run(expr, value, scope) };
  }
  if (Array.isArray(value)) {
    const items = value.map(compileJsonataTemplate);
    if (items.every((t) => t.isStatic)) return { isStatic: true, evaluate: () => value };
    return { isStatic: false, evaluate: async (s) => Promise.all(items.map((t) => t.evaluate(s))) };
  }
  if (isObject(value)) {
    const entries = Object.entries(value).map(([k, v]) => [k, compileJsonataTemplate(v)] as const);
    if (entries.every(([, t]) => t.isStatic)) return { isStatic: true, evaluate: () => value };
    return {
      isStatic: false,
      evaluate: async (s) => {
        const out: Record<string, unknown> = {};
        for (const [k, t] of entries) {
          const v = await t.evaluate(s);
          if (v !== undefined) out[k] = v;
        }
        return out;
      },
    };
  }
  return { isStatic: true, evaluate: () => value };
}

/** Evaluates and rejects `undefined` at the top level, as AWS does for a field's value. */
export async function evaluateRequired(
  t: JsonataTemplate,
  scope: JsonataScope,
  field: string,
): Promise<unknown> {
  const v = await t.evaluate(scope);
  if (v === undefined) {
    throw new AslError(
      StatesError.QueryEvaluationError,
      `The JSONata expression of the field '${field}' returned nothing`,
    );
  }
  return v;
}
