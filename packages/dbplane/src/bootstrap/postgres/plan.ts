import type pg from 'pg';
import type { BootstrapTarget, InternalPlan } from '../plan-types.js';
import { byPhase } from '../plan-types.js';
import type { PgBootstrapSpec, SpecProblem } from '../types.js';
import { validateSpec } from '../validate.js';
import { newDatabaseCatalog, type PgCluster, readCluster, readDatabase } from './catalog.js';
import { managedMarker, withClient } from './connect.js';
import { type ClusterContext, planCluster } from './plan-cluster.js';
import { grantedSchemas, planDatabase, targetDatabases } from './plan-database.js';

/** Validates the spec again, knowing the server's version and what it has. */
export function revalidate(spec: PgBootstrapSpec, cluster: PgCluster): SpecProblem[] {
  return validateSpec(spec, {
    pgMajor: cluster.major,
    existing: { roles: [...cluster.roles.keys()], databases: [...cluster.databases.keys()] },
  }).problems;
}

/** Plans the shared catalog (roles, memberships, databases, drops) over the admin client. */
export async function planClusterWith(
  admin: pg.Client,
  t: BootstrapTarget,
): Promise<{ ctx: ClusterContext; problems: SpecProblem[] }> {
  const spec = t.spec as PgBootstrapSpec;
  const marker = managedMarker(t.scope);
  const cluster = await readCluster(admin, marker);
  const ctx: ClusterContext = {
    spec,
    cluster,
    marker,
    passwords: t.passwords,
    steps: [],
    problems: [],
    generated: [],
  };
  const problems = revalidate(spec, cluster);
  if (problems.length === 0) await planCluster(ctx);
  return { ctx, problems: [...problems, ...ctx.problems] };
}

/**
 * The PostgreSQL plan of `t`: reads the real catalog of the server and of
 * every database the spec reaches into (a database not created yet is
 * planned as the template would make it).
 */
export async function planPostgres(t: BootstrapTarget): Promise<InternalPlan> {
  return withClient(t.url, undefined, async (admin) => {
    const { ctx, problems } = await planClusterWith(admin, t);
    if (problems.length > 0) return { steps: [], problems, generated: [] };
    const spec = ctx.spec;
    for (const database of targetDatabases(spec)) {
      const info = ctx.cluster.databases.get(database);
      if (info && !info.allowConn) {
        problems.push({
          path: '/databases',
          message: `database ${JSON.stringify(database)} does not allow connections`,
        });
        continue;
      }
      const owner = spec.databases?.find((d) => d.name === database)?.owner ?? ctx.cluster.currentUser;
      const catalog = info
        ? await withClient(t.url, database, (c) => readDatabase(c, grantedSchemas(spec, database)))
        : newDatabaseCatalog(ctx.cluster.major, owner);
      planDatabase({
        spec,
        database,
        catalog,
        major: ctx.cluster.major,
        currentUser: ctx.cluster.currentUser,
        steps: ctx.steps,
        problems,
      });
    }
    return { steps: byPhase(ctx.steps), problems, generated: ctx.generated };
  });
}
