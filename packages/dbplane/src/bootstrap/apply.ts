import { applyMysql } from './mysql/apply.js';
import type { ApplyResult, BootstrapTarget } from './plan-types.js';
import { applyPostgres } from './postgres/apply.js';
import { validateSpec } from './validate.js';

/**
 * Converges the instance to the spec, in the safest order (roles, databases,
 * schemas, extensions, grants, default privileges, revokes, drops), one
 * transaction per database where the engine allows, serialized by a lock.
 * Applying the same spec again changes nothing. Generated passwords are
 * answered once, in `passwords`, for the caller to store; a database error
 * throws (a workflow retries it), problems with the spec are values.
 *
 * @example
 * const { changes, passwords } = await applyBootstrap({ url, engine, spec, passwords: source });
 * for (const p of passwords) await secrets.put(`bootstrap/${p.role}`, p.password);
 */
export async function applyBootstrap(t: BootstrapTarget): Promise<ApplyResult> {
  if ((t.spec.engine === 'postgres') !== (t.engine === 'postgres'))
    return {
      changes: [],
      problems: [
        { path: '/engine', message: `the spec is for ${t.spec.engine}, the instance runs ${t.engine}` },
      ],
      passwords: [],
    };
  const { problems } = validateSpec(t.spec);
  if (problems.length > 0) return { changes: [], problems, passwords: [] };
  return t.engine === 'postgres' ? applyPostgres(t) : applyMysql(t);
}
