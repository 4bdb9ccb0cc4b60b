/**
 * @module bootstrap
 *
 * Declarative bootstrap: a spec of roles, databases, schemas, extensions and
 * grants per instance, validated (every problem with its JSON pointer),
 * planned against the server's real catalog and applied idempotently.
 *
 * @example
 * const { spec, problems } = parseSpecText(yamlText);
 * if (spec) {
 *   const { changes } = await planBootstrap({ url, engine: 'postgres', spec, passwords });
 *   const applied = await applyBootstrap({ url, engine: 'postgres', spec, passwords });
 * }
 */
export { applyBootstrap } from './apply.js';
export { parseSpecText } from './parse.js';
export { planBootstrap } from './plan.js';
export type {
  ApplyResult,
  BootstrapPlan,
  Change,
  EngineKind,
  GeneratedPassword,
  PasswordSource,
} from './plan-types.js';
export { bootstrapSpecJsonSchema } from './spec-schema.js';
export type * from './types.js';
export { validateSpec } from './validate.js';
