/**
 * What an expression can see while a state runs: the current value (`$`), the
 * context object (`$$`), variables and the execution's random source.
 */

import { type CompiledPath, MISSING } from './json-path.js';
import type { RandomSource } from './random.js';

/** The evaluation environment of one state. */
export interface Env {
  /** The context object (built on demand). */
  context(): Record<string, unknown>;
  /** A variable's value, or MISSING. */
  variable(name: string): unknown;
  /** All visible variables (for JSONata bindings). */
  variables(): Record<string, unknown>;
  readonly random: RandomSource;
}

/** Reads a compiled path against `$` or the environment. */
export function readPath(path: CompiledPath, input: unknown, env: Env): unknown {
  switch (path.base.k) {
    case 'input':
      return path.get(input);
    case 'context':
      return path.get(env.context());
    case 'var': {
      const v = env.variable(path.base.name);
      return v === MISSING ? MISSING : path.get(v);
    }
  }
}
