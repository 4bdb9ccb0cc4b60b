/**
 * Declarative bootstrap on the real PostgreSQL: the time to plan and to apply
 * a spec of 100 roles (20 of them logins with generated passwords), 20
 * databases (each with a schema) and 1,000 grants (on databases, schemas and
 * `tables: all`, the last with their default privileges), then the time of
 * the no-op plan and re-apply of the same spec.
 *
 *   npm run bench -- bootstrap [--quick]
 *
 * Against DBPLANE_BENCH_DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/postgres), a superuser URL, through the
 * bootstrap core (`planBootstrap`, `applyBootstrap`: what the workflow's Plan
 * and Apply tasks run). `--quick` is the same size (it runs in seconds), once;
 * the full run repeats the no-op plan and re-apply 5 times and reports the
 * median. Then the same through the API and the workflow, on one `dbplane up`
 * with a store database of its own: PUT the spec → the rule's
 * `dbplane-bootstrap` run has verified it (drift check converged), and the
 * same for a PUT of the unchanged spec. Every role and database made (random
 * suffix) is dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import {
  applyBootstrap,
  type PasswordSource,
  type PgBootstrapSpec,
  type PgGrantSpec,
  planBootstrap,
} from '../packages/dbplane/src/bootstrap/index.js';
import { removeDir, startNodeProcess } from '../packages/dbplane/src/test-support/node-process.js';
import { ADMIN_URL, admin, type Bench, type Call, client, percentile } from './lib.js';

const ROLES = 100;
const DATABASES = 20;
const GRANTS_PER_DATABASE = 50;

function specOf(sfx: string): PgBootstrapSpec {
  const role = (i: number) => `bb_r${i}_${sfx}`;
  const db = (d: number) => `bb_d${d}_${sfx}`;
  const grants: PgGrantSpec[] = [];
  for (let d = 0; d < DATABASES; d++) {
    for (let k = 0; k < GRANTS_PER_DATABASE; k++) {
      const r = role((d * 7 + k) % ROLES);
      const on = { database: db(d) };
      if (k % 3 === 0) grants.push({ role: r, privileges: ['CONNECT', 'TEMPORARY'], on });
      else if (k % 3 === 1) grants.push({ role: r, privileges: ['USAGE'], on: { ...on, schema: 'app' } });
      else grants.push({ role: r, privileges: ['SELECT'], on: { ...on, schema: 'app', tables: 'all' } });
    }
  }
  return {
    engine: 'postgres',
    roles: Array.from({ length: ROLES }, (_, i) => ({
      name: role(i),
      ...(i < 20 ? { login: true, password: { generate: true as const } } : {}),
    })),
    databases: Array.from({ length: DATABASES }, (_, d) => ({
      name: db(d),
      owner: role(0),
      schemas: [{ name: 'app', owner: role(0) }],
    })),
    grants,
  };
}

/** The generated passwords kept, as the secrets store keeps them. */
function keptPasswords(): PasswordSource & { kept: Map<string, string> } {
  const kept = new Map<string, string>();
  return {
    kept,
    secret: async (name) => {
      throw new Error(`no secret ${name}`);
    },
    generated: async (role) => kept.get(role),
  };
}

async function timed<T>(f: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const v = await f();
  return [performance.now() - t0, v];
}

async function cleanUp(sfx: string): Promise<void> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    const dbs = await c.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [
      `bb\\_d%\\_${sfx}`,
    ]);
    for (const { datname } of dbs.rows)
      await c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(datname)} WITH (FORCE)`);
    const roles = await c.query<{ rolname: string }>('SELECT rolname FROM pg_roles WHERE rolname LIKE $1', [
      `bb\\_r%\\_${sfx}`,
    ]);
    for (const { rolname } of roles.rows)
      await c.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(rolname)}`);
  } finally {
    await c.end();
  }
}

/** PUT the spec, then poll (10 ms) until a drift check newer than `after` is converged; ms from PUT. */
async function putAndConverge(call: Call, instance: string, spec: PgBootstrapSpec, after: string | null) {
  const path = `/v1/instances/${instance}/bootstrap`;
  const t0 = performance.now();
  const put = await call('PUT', path, spec);
  if (put.status !== 200) throw new Error(`PUT ${path}: ${put.status} ${JSON.stringify(put.body)}`);
  for (;;) {
    const d = await call('GET', `${path}/drift`);
    if (d.status === 200 && d.body.at !== after && d.body.status === 'converged')
      return { ms: performance.now() - t0, at: d.body.at as string };
    const a = await call('GET', `${path}/apply`);
    if (a.status === 200 && a.body.status === 'failed') throw new Error(`bootstrap failed: ${a.body.error}`);
    if (performance.now() - t0 > 5 * 60_000) throw new Error('not converged after 5 minutes');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The API and workflow figures: one node on a store of its own, the spec put twice. */
async function throughWorkflow(emit: Parameters<Bench>[0]['emit']) {
  const sfx = randomBytes(4).toString('hex');
  const store = `dbplane_bench_${sfx}`;
  await admin(`CREATE DATABASE ${store}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${store}`;
  const node = await startNodeProcess({ databaseUrl: url.toString() });
  try {
    const key = (await readFile(join(node.dataDir, 'admin.key'), 'utf8')).trim();
    const call = client(node.url, key);
    const instance = `bench-bs-${sfx}`;
    const made = await call('POST', '/v1/instances', {
      name: instance,
      engine: 'postgres',
      provider: 'external',
      url: ADMIN_URL,
    });
    if (made.status !== 201) throw new Error(`POST /v1/instances: ${JSON.stringify(made.body)}`);
    const spec = specOf(sfx);
    const first = await putAndConverge(call, instance, spec, null);
    emit({ bench: 'bootstrap', metric: 'workflow_put_to_converged_ms', value: first.ms, unit: 'ms' });
    const again = await putAndConverge(call, instance, spec, first.at);
    emit({ bench: 'bootstrap', metric: 'workflow_noop_put_to_converged_ms', value: again.ms, unit: 'ms' });
    await call('DELETE', `/v1/instances/${instance}`);
  } finally {
    await node.kill('SIGTERM');
    await removeDir(node.dataDir);
    await admin(`DROP DATABASE IF EXISTS ${store} WITH (FORCE)`);
    await cleanUp(sfx);
  }
}

export const run: Bench = async ({ quick, emit }) => {
  const sfx = randomBytes(4).toString('hex');
  const spec = specOf(sfx);
  const passwords = keptPasswords();
  const target = { url: ADMIN_URL, engine: 'postgres' as const, spec, passwords };
  const figure = (metric: string, value: number, unit = 'ms') =>
    emit({ bench: 'bootstrap', metric, value, unit });
  try {
    const [planMs, plan] = await timed(() => planBootstrap(target));
    if (plan.problems.length > 0) throw new Error(`spec problems: ${JSON.stringify(plan.problems)}`);
    figure('plan_new_ms', planMs);
    figure('plan_new_changes', plan.changes.length, 'changes');
    const [applyMs, applied] = await timed(() => applyBootstrap(target));
    if (applied.problems.length > 0) throw new Error(`apply problems: ${JSON.stringify(applied.problems)}`);
    for (const p of applied.passwords) passwords.kept.set(p.role, p.password);
    figure('apply_new_ms', applyMs);
    figure('apply_new_changes', applied.changes.length, 'changes');
    const noopPlans: number[] = [];
    const noopApplies: number[] = [];
    for (let i = 0; i < (quick ? 1 : 5); i++) {
      const [pm, p] = await timed(() => planBootstrap(target));
      if (p.changes.length > 0) throw new Error(`not converged: ${JSON.stringify(p.changes.slice(0, 3))}`);
      noopPlans.push(pm);
      const [am, a] = await timed(() => applyBootstrap(target));
      if (a.changes.length > 0) throw new Error(`re-apply changed: ${JSON.stringify(a.changes.slice(0, 3))}`);
      noopApplies.push(am);
    }
    figure('plan_noop_ms', percentile(noopPlans, 50));
    figure('apply_noop_ms', percentile(noopApplies, 50));
  } finally {
    await cleanUp(sfx);
  }
  await throughWorkflow(emit);
};
