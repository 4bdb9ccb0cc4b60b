/**
 * Payload templates for JSONPath states (`Parameters`, `ResultSelector`,
 * `ItemSelector`, `Assign`): keys ending in `.$` take a path or an intrinsic.
 * Compiled once into a closure.
 */
import { type Env, readPath } from './env.js';
import { AslError, StatesError } from './errors.js';
import { evaluateIntrinsic } from './intrinsics.js';
import { type IntrinsicCall, isIntrinsic, parseIntrinsic } from './intrinsics-parse.js';
import { isObject } from './json.js';
import { type CompiledPath, compilePath, MISSING } from './json-path.js';

/** A compiled template: builds its value from `$` and the environment. */
export type Template = (input: unknown, env: Env) => unknown;

/** A compiled `.$` value: a path or an intrinsic call. */
export type Dynamic = { k: 'path'; path: CompiledPath } | { k: 'call'; call: IntrinsicCall };

/** Compiles a `.$` value, throwing an Error when it is neither a valid path nor a valid call. */
export function compileDynamic(source: string): Dynamic {
  if (isIntrinsic(source)) return { k: 'call', call: parseIntrinsic(source) };
  return { k: 'path', path: compilePath(source) };
}

/** Evaluates a `.$` value; a missing path raises States.Runtime naming the field (AWS reserves States.ParameterPathFailure). */
export function evaluateDynamic(d: Dynamic, field: string, input: unknown, env: Env): unknown {
  if (d.k === 'call') return evaluateIntrinsic(d.call, input, env);
  const v = readPath(d.path, input, env);
  if (v === MISSING) {
    throw new AslError(
      StatesError.Runtime,
      `The JSONPath '${d.path.source}' specified for the field '${field}' could not be found in the input '${JSON.stringify(input)}'`,
    );
  }
  return v;
}

/** Compiles a template value; problems are thrown as Errors (validation catches them first). */
export function compileTemplate(value: unknown): Template {
  if (Array.isArray(value)) {
    const items = value.map(compileTemplate);
    return (input, env) => items.map((t) => t(input, env));
  }
  if (!isObject(value)) return () => value;
  const keys = Object.keys(value);
  if (
    !keys.some((k) => k.endsWith('.$')) &&
    keys.every((k) => !isObject(value[k]) && !Array.isArray(value[k]))
  ) {
    return () => value;
  }
  const fields: { key: string; field: string; build: Template }[] = keys.map((field) => {
    const v = value[field];
    if (field.endsWith('.$') && typeof v === 'string') {
      const d = compileDynamic(v);
      return { key: field.slice(0, -2), field, build: (input, env) => evaluateDynamic(d, field, input, env) };
    }
    return { key: field, field, build: compileTemplate(v) };
  });
  return (input, env) => {
    const out: Record<string, unknown> = {};
    for (const f of fields) out[f.key] = f.build(input, env);
    return out;
  };
}
