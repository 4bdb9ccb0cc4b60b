/**
 * Self-service provisioning: API call (`POST /v1/databases`) -> `available`,
 * p50/p99, for a database on an existing external PostgreSQL, on an existing
 * external MariaDB, and with a new dedicated local PostgreSQL instance.
 *
 *   npm run bench -- provisioning [--quick]
 *
 * One `dbplane up` process on a store database of its own, created and
 * dropped on DBPLANE_BENCH_DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/postgres), which is also the external
 * PostgreSQL; DBPLANE_BENCH_MYSQL_URL (default mysql://root@127.0.0.1:3306)
 * is the external MariaDB. Each request is polled every 10 ms; one warm-up
 * request per case is left out of the figures. Everything made is
 * deprovisioned (DELETE, then 404).
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type NodeProcess,
  removeDir,
  startNodeProcess,
} from '../packages/dbplane/src/test-support/node-process.js';
import { ADMIN_URL, admin, type Bench, type Call, client, percentile } from './lib.js';

const MYSQL_URL = process.env.DBPLANE_BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const POLL_MS = 10;
const LIMIT_MS = 5 * 60_000;

type Emit = Parameters<Bench>[0]['emit'];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `path` every 10 ms until `done` says so; throws on `failed` or after 5 minutes. */
async function until(call: Call, path: string, done: (r: { status: number; body: any }) => boolean) {
  const t0 = performance.now();
  for (;;) {
    const r = await call('GET', path);
    if (done(r)) return;
    if (r.body?.status === 'failed') throw new Error(`${path} failed: ${r.body.statusReason}`);
    if (performance.now() - t0 > LIMIT_MS) throw new Error(`${path} still ${r.body?.status} after 5 minutes`);
    await sleep(POLL_MS);
  }
}

/** One request: POST -> `available` in ms, then deprovisioned (not timed). */
async function provision(call: Call, body: { name: string; engine: string; [k: string]: unknown }) {
  const path = `/v1/databases/${body.name}`;
  const t0 = performance.now();
  const res = await call('POST', '/v1/databases', body);
  if (res.status !== 202) throw new Error(`POST /v1/databases: ${res.status} ${JSON.stringify(res.body)}`);
  try {
    await until(call, path, (r) => r.body?.status === 'available');
    return performance.now() - t0;
  } finally {
    await call('DELETE', path);
    await until(call, path, (r) => r.status === 404);
    if (body.dedicated === true)
      await until(call, `/v1/instances/${body.name}-dedicated`, (r) => r.status === 404);
  }
}

async function measure(
  call: Call,
  label: string,
  runs: number,
  body: (i: number) => { name: string; engine: string; [k: string]: unknown },
  emit: Emit,
) {
  await provision(call, body(-1));
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(await provision(call, body(i)));
  for (const p of [50, 99])
    emit({ bench: 'provisioning', metric: `${label}_p${p}_ms`, value: percentile(samples, p), unit: 'ms' });
}

/** An external instance registered for the run, or undefined (with a note) when its server is not there. */
async function external(call: Call, name: string, engine: string, url: string) {
  const r = await call('POST', '/v1/instances', { name, engine, provider: 'external', url });
  if (r.status === 201) return name;
  process.stderr.write(`note: ${engine} at ${url} not usable (${JSON.stringify(r.body)}); skipped\n`);
  return undefined;
}

async function benchNode(node: NodeProcess, quick: boolean, emit: Emit) {
  const key = (await readFile(join(node.dataDir, 'admin.key'), 'utf8')).trim();
  const call = client(node.url, key);
  const tag = randomBytes(3).toString('hex');
  const runs = quick ? { pg: 5, mysql: 5, dedicated: 2 } : { pg: 30, mysql: 30, dedicated: 5 };
  const made: string[] = [];
  try {
    const pgInstance = await external(call, `bench-pg-${tag}`, 'postgres', ADMIN_URL);
    if (pgInstance !== undefined) {
      made.push(pgInstance);
      await measure(
        call,
        'database_on_external_postgres',
        runs.pg,
        (i) => ({ name: `bench_pg_${tag}_${i + 1}`, engine: 'postgres', instance: pgInstance }),
        emit,
      );
    }
    const myInstance = await external(call, `bench-mysql-${tag}`, 'mysql', MYSQL_URL);
    if (myInstance !== undefined) {
      made.push(myInstance);
      await measure(
        call,
        'database_on_external_mariadb',
        runs.mysql,
        (i) => ({ name: `bench_my_${tag}_${i + 1}`, engine: 'mysql', instance: myInstance }),
        emit,
      );
    }
    await measure(
      call,
      'dedicated_local_postgres_instance',
      runs.dedicated,
      (i) => ({ name: `bench_solo_${tag}_${i + 1}`, engine: 'postgres', dedicated: true }),
      emit,
    );
  } finally {
    for (const name of made) await call('DELETE', `/v1/instances/${name}`);
  }
}

export const run: Bench = async ({ quick, emit }) => {
  const store = `dbplane_bench_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE ${store}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${store}`;
  let node: NodeProcess | undefined;
  try {
    node = await startNodeProcess({ databaseUrl: url.toString() });
    await benchNode(node, quick, emit);
  } finally {
    if (node !== undefined) {
      await node.kill('SIGTERM');
      await removeDir(node.dataDir);
    }
    await admin(`DROP DATABASE IF EXISTS ${store} WITH (FORCE)`);
  }
};
