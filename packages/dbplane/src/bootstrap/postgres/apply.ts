import type pg from 'pg';
import type { ApplyResult, BootstrapTarget, Step } from '../plan-types.js';
import { byPhase } from '../plan-types.js';
import type { PgBootstrapSpec, SpecProblem } from '../types.js';
import { readDatabase } from './catalog.js';
import { openClient, withClient } from './connect.js';
import { planClusterWith, planPostgres } from './plan.js';
import { grantedSchemas, planDatabase, targetDatabases } from './plan-database.js';

/**
 * Applying a PostgreSQL plan in the safest order: roles and memberships (one
 * transaction), databases, then in each database one transaction holding
 * its advisory lock (schemas, extensions, grants, default privileges,
 * revokes), then drops. Each database is planned again against its real
 * catalog inside its transaction, so concurrent applies cannot interleave.
 */

/** The advisory lock key of bootstrap applies (serializes grant DDL per database). */
const LOCK_KEY = 0x64_62_70_62; // "dbpb"

/** Thrown inside a database's transaction to roll it back when its plan has problems. */
class PlanProblems extends Error {}

/** Thrown inside a database's transaction to roll it back when its plan has problems. */
async function inTransaction(c: pg.Client, fn: () => Promise<void>): Promise<void> {
  await c.query('BEGIN');
  try {
    await fn();
    await c.query('COMMIT');
  } catch (err) {
    await c.query('ROLLBACK').catch(() => {});
    throw err;
  }
}

/** Runs the statements of `steps` in order, each database's over its own client. */
async function runSteps(url: string, admin: pg.Client, steps: Step[]): Promise<void> {
  const clients = new Map<string, pg.Client>();
  try {
    for (const s of steps)
      for (const st of s.statements) {
        let c = admin;
        if (st.database !== undefined) {
          c = clients.get(st.database) ?? (await openClient(url, st.database));
          clients.set(st.database, c);
        }
        await c.query(st.sql);
      }
  } finally {
    for (const c of clients.values()) await c.end().catch(() => {});
  }
}

/** Plans and applies everything inside one database, in one transaction. */
async function applyDatabase(
  t: BootstrapTarget,
  database: string,
  major: number,
  currentUser: string,
): Promise<{ steps: Step[]; problems: SpecProblem[] }> {
  const spec = t.spec as PgBootstrapSpec;
  const done: Step[] = [];
  const problems: SpecProblem[] = [];
  await withClient(t.url, database, async (c) => {
    await inTransaction(c, async () => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
      for (const phases of [['schemas', 'extensions'], undefined]) {
        const steps: Step[] = [];
        const catalog = await readDatabase(c, grantedSchemas(spec, database));
        planDatabase({ spec, database, catalog, major, currentUser, steps, problems });
        if (problems.length > 0) throw new PlanProblems();
        const run = byPhase(steps).filter((s) => phases === undefined || phases.includes(s.phase));
        for (const s of run) for (const st of s.statements) await c.query(st.sql);
        done.push(...run);
      }
    }).catch((err: unknown) => {
      if (!(err instanceof PlanProblems)) throw err;
      done.length = 0;
    });
  });
  return { steps: done, problems };
}

/**
 * Applies `t` to a PostgreSQL server; a second apply of the same spec changes nothing.
 * Problems (the spec does not fit the server) are found by a full plan and
 * answered before anything changes; one found later inside a database (a
 * concurrent change) rolls that database back and skips the drops.
 */
export async function applyPostgres(t: BootstrapTarget): Promise<ApplyResult> {
  return withClient(t.url, undefined, async (admin) => {
    await admin.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    try {
      const dryRun = await planPostgres(t);
      if (dryRun.problems.length > 0) return { changes: [], problems: dryRun.problems, passwords: [] };
      const { ctx, problems } = await planClusterWith(admin, t);
      if (problems.length > 0) return { changes: [], problems, passwords: [] };
      const steps = byPhase(ctx.steps);
      const early = steps.filter((s) => s.phase === 'roles' || s.phase === 'memberships');
      await inTransaction(admin, () => runSteps(t.url, admin, early));
      await runSteps(
        t.url,
        admin,
        steps.filter((s) => s.phase === 'databases'),
      );
      const done = [...early, ...steps.filter((s) => s.phase === 'databases')];
      for (const database of targetDatabases(ctx.spec)) {
        const r = await applyDatabase(t, database, ctx.cluster.major, ctx.cluster.currentUser);
        done.push(...r.steps);
        problems.push(...r.problems);
      }
      const drops = steps.filter((s) => s.phase === 'drop-databases' || s.phase === 'drop-roles');
      if (problems.length === 0) {
        await runSteps(t.url, admin, drops);
        done.push(...drops);
      }
      return { changes: done.map((s) => s.change), problems, passwords: ctx.generated };
    } finally {
      await admin.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => {});
    }
  });
}
