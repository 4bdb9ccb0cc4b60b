/**
 * Input and output processing of a state in both query languages:
 * InputPath → Parameters → (work) → ResultSelector → ResultPath → OutputPath,
 * or Arguments → (work) → Output; and Assign.
 */
import type { Assigner, CState, Dyn } from './compile.js';
import { type Env, readPath } from './env.js';
import { AslError, StatesError } from './errors.js';
import { evaluateIntrinsic } from './intrinsics.js';
import { type CompiledPath, MISSING, setAtPath } from './json-path.js';
import { evaluateRequired, type JsonataScope, type JsonataTemplate } from './jsonata-eval.js';

/** `$states` for JSONata evaluation. */
export function scopeOf(env: Env, states: Record<string, unknown>): JsonataScope {
  return { states: { ...states, context: env.context() }, variables: env.variables(), random: env.random };
}

function select(path: CompiledPath | null | undefined, value: unknown, env: Env, field: string): unknown {
  if (path === undefined) return value;
  if (path === null) return {};
  const v = readPath(path, value, env);
  if (v === MISSING) {
    throw new AslError(
      StatesError.Runtime,
      `The JSONPath '${path.source}' specified for the field '${field}' could not be found in the input '${JSON.stringify(value)}'`,
    );
  }
  return v;
}

/** JSONPath: the effective input (InputPath then Parameters). */
export function effectiveInputJp(cs: CState, raw: unknown, env: Env): unknown {
  const selected = select(cs.inputPath, raw, env, 'InputPath');
  return cs.parameters ? cs.parameters(selected, env) : selected;
}

/** JSONPath: the state output from the raw input and a result (ResultSelector, ResultPath, OutputPath). */
export function outputJp(cs: CState, raw: unknown, result: unknown, env: Env, selectResult = true): unknown {
  const effective = selectResult && cs.resultSelector ? cs.resultSelector(result, env) : result;
  const placed = applyResultPath(cs.resultPath, raw, effective);
  return select(cs.outputPath, placed, env, 'OutputPath');
}

/** Places a result into the raw input according to ResultPath. */
export function applyResultPath(
  path: CompiledPath | null | undefined,
  raw: unknown,
  result: unknown,
): unknown {
  if (path === undefined) return result;
  if (path === null) return raw;
  if (path.segments.length === 0) return result;
  try {
    return setAtPath(raw, path, result);
  } catch {
    throw new AslError(
      StatesError.ResultPathMatchFailure,
      `Unable to apply ResultPath "${path.source}" to input ${JSON.stringify(raw)}`,
    );
  }
}

/** JSONata: evaluates a template with `$states`. */
export function evalJa(
  t: JsonataTemplate,
  env: Env,
  states: Record<string, unknown>,
  field: string,
): unknown {
  if (t.isStatic) return t.evaluate(scopeOf(env, states));
  return evaluateRequired(t, scopeOf(env, states), field);
}

/** Computes variable assignments (not yet applied): all read the variables as they were before the state. */
export async function assignments(
  a: Assigner | null,
  input: unknown,
  env: Env,
  states: Record<string, unknown>,
): Promise<Record<string, unknown> | null> {
  if (!a) return null;
  if (a.k === 'jp') return a.t(input, env) as Record<string, unknown>;
  return (await a.t.evaluate(scopeOf(env, states))) as Record<string, unknown>;
}

/** Reads a number-or-string field given literally, by path or by JSONata. */
export async function readDyn<T>(d: Dyn<T>, input: unknown, env: Env, field: string): Promise<T> {
  if (d.k === 'lit') return d.v;
  if (d.k === 'ja') return (await evalJa(d.t, env, { input }, field)) as T;
  if (d.k === 'call') return evaluateIntrinsic(d.c, input, env) as T;
  const v = readPath(d.p, input, env);
  if (v === MISSING)
    throw new AslError(StatesError.Runtime, `Invalid path '${d.p.source}' in ${field}: No results for path`);
  return v as T;
}
