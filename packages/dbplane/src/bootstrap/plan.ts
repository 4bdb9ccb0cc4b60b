import { planMysql } from './mysql/apply.js';
import type { BootstrapPlan, BootstrapTarget, InternalPlan } from './plan-types.js';
import { planPostgres } from './postgres/plan.js';
import { validateSpec } from './validate.js';

function engineMismatch(t: BootstrapTarget): string | undefined {
  const specEngine = t.spec.engine;
  const pgSpec = specEngine === 'postgres';
  const pgTarget = t.engine === 'postgres';
  return pgSpec === pgTarget ? undefined : `the spec is for ${specEngine}, the instance runs ${t.engine}`;
}

/** Validates, then plans with the engine's planner; steps hold passwords in clear. */
export async function planSteps(t: BootstrapTarget): Promise<InternalPlan> {
  const mismatch = engineMismatch(t);
  if (mismatch) return { steps: [], problems: [{ path: '/engine', message: mismatch }], generated: [] };
  const { problems } = validateSpec(t.spec);
  if (problems.length > 0) return { steps: [], problems, generated: [] };
  return t.engine === 'postgres' ? planPostgres(t) : planMysql(t);
}

/**
 * Reads the real catalog of the instance and answers what an apply would
 * change: `changes` is empty when the instance is converged. Passwords never
 * appear (`'***'`). Problems are what the spec cannot do on this server
 * (e.g. MAINTAIN before PostgreSQL 17, a named table that does not exist).
 *
 * @example
 * const { changes } = await planBootstrap({ url, engine: 'postgres', spec, passwords });
 * // [{ action: 'create', object: 'role "app_rw"', sql: `CREATE ROLE "app_rw" WITH LOGIN PASSWORD '***'` }, ...]
 */
export async function planBootstrap(t: BootstrapTarget): Promise<BootstrapPlan> {
  const plan = await planSteps(t);
  return { changes: plan.steps.map((s) => s.change), problems: plan.problems };
}
