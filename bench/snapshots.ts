/**
 * Snapshots: snapshot and restore throughput (MB/s of the source's size on
 * disk) for each method, next to the tool a person would run alone on the
 * same data:
 *
 * - physical snapshot of a local PostgreSQL instance  vs `tar -cf` of its data directory (and `cp -a`;
 *   the copy alone, without `seal()`, too)
 * - physical restore into a new local instance         vs `tar -xf` of that tar
 * - logical snapshot of a PostgreSQL database          vs `pg_dump --format=custom` to a file
 * - logical restore into a new database                vs `pg_restore` of that file
 * - logical snapshot / restore of a MariaDB database   vs `mariadb-dump` / `mariadb` (when reachable)
 * - then the sanitize rate of `bench/sanitize.ts` (rows/s masked in a 1,000,000-row table, `--quick` 100,000)
 *
 *   npm run bench -- snapshots [--quick]
 *
 * One `dbplane up` process on a store database of its own (created and
 * dropped on DBPLANE_BENCH_DATABASE_URL); the PostgreSQL database (~1 GiB,
 * `--quick` ~64 MiB, generate_series inserts) lives on a local instance that
 * node runs; MariaDB is DBPLANE_BENCH_MYSQL_URL (default
 * mysql://root@127.0.0.1:3306) registered as an external instance. A
 * snapshot is timed from its POST to `available`, a restore from its POST to
 * the end of its execution; the API is polled every 20 ms. A CHECKPOINT
 * before the copies puts both sides on the same footing. Everything made is
 * removed.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import { physicalBackup } from '../packages/dbplane/src/snapshots/physical/backup.js';
import {
  type NodeProcess,
  removeDir,
  startNodeProcess,
} from '../packages/dbplane/src/test-support/node-process.js';
import { ADMIN_URL, admin, type Bench, type Call, client } from './lib.js';
import { run as sanitizeRate } from './sanitize.js';

const MYSQL_URL = process.env.DBPLANE_BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const POLL_MS = 20;
const LIMIT_MS = 20 * 60_000;
const MB = 1e6;
const run$ = promisify(execFile);

type Emit = Parameters<Bench>[0]['emit'];
type Reply = { status: number; body: any };

interface Ctx {
  call: Call;
  node: NodeProcess;
  storeUrl: string;
  tag: string;
  work: string;
  emit: Emit;
  quick: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sh = (program: string, args: string[], env?: Record<string, string>) =>
  run$(program, args, { maxBuffer: 1 << 26, env: { ...process.env, ...env } });

/** Seconds that `fn` takes. */
async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

async function until(call: Call, path: string, done: (r: Reply) => boolean): Promise<Reply> {
  const t0 = performance.now();
  for (;;) {
    const r = await call('GET', path);
    if (done(r)) return r;
    if (r.body?.status === 'failed' || r.body?.status === 'FAILED')
      throw new Error(`${path} failed: ${r.body.statusReason ?? r.body.cause ?? ''}`);
    if (performance.now() - t0 > LIMIT_MS) throw new Error(`${path} still ${r.body?.status}`);
    await sleep(POLL_MS);
  }
}

async function post(call: Call, path: string, body: unknown): Promise<any> {
  const r = await call('POST', path, body);
  if (r.status !== 202 && r.status !== 201)
    throw new Error(`POST ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

const executionPath = (arn: string) =>
  `/v1/state-machines/${arn.split(':').at(-2)}/executions/${arn.split(':').at(-1)}`;

async function secret(call: Call, name: string) {
  const r = await call('GET', `/v1/secrets/${encodeURIComponent(name)}/value`);
  return JSON.parse(r.body.secretString) as {
    host: string;
    port: number;
    username: string;
    password: string;
  };
}

/** A snapshot of `source` ({ instance } or { database }) from POST to available; answers its name. */
async function snapshot(ctx: Ctx, label: string, source: Record<string, string>): Promise<[string, number]> {
  const name = `bench-${label}-${ctx.tag}`;
  const secs = await timed(async () => {
    await post(ctx.call, '/v1/snapshots', { name, ...source });
    await until(ctx.call, `/v1/snapshots/${name}`, (r) => r.body?.status === 'available');
  });
  return [name, secs];
}

/** A restore from POST to the end of its execution. */
async function restore(ctx: Ctx, snapshotName: string, target: Record<string, string>): Promise<number> {
  return timed(async () => {
    const r = await post(ctx.call, `/v1/snapshots/${snapshotName}/restore`, target);
    await until(ctx.call, executionPath(r.executionArn), (x) => x.body?.status === 'SUCCEEDED');
  });
}

function mbps(ctx: Ctx, metric: string, bytes: number, secs: number, peer: string, peerSecs: number) {
  ctx.emit({
    bench: 'snapshots',
    metric,
    value: bytes / MB / secs,
    unit: 'MB/s',
    peer,
    peerValue: bytes / MB / peerSecs,
  });
}

async function bytesUnder(dir: string): Promise<number> {
  const { stdout } = await sh('du', ['-sb', dir]);
  return Number(stdout.split('\t')[0]);
}

/** The local instance's data directory, from the bench's own store. */
async function dataDirOf(ctx: Ctx, instance: string): Promise<string> {
  const c = new pg.Client({ connectionString: ctx.storeUrl });
  await c.connect();
  try {
    const r = await c.query('SELECT id FROM instances WHERE name = $1', [instance]);
    return join(ctx.node.dataDir, 'instances', r.rows[0].id);
  } finally {
    await c.end();
  }
}

/** Rows of ~300 bytes until the table reaches `bytes` (batches of 100,000 rows). */
async function fillPostgres(url: string, bytes: number): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('CREATE TABLE items (id bigint PRIMARY KEY, batch int, payload text)');
    for (let b = 0; ; b++) {
      await c.query(
        `INSERT INTO items SELECT g, $1, md5(g::text) || md5((g * 7)::text) || md5(random()::text) || repeat(md5((g % 1000)::text), 5)
         FROM generate_series($1::bigint * 100000 + 1, ($1::bigint + 1) * 100000) g`,
        [b],
      );
      if (Number((await c.query(`SELECT pg_database_size(current_database()) AS n`)).rows[0].n) >= bytes)
        break;
    }
    await c.query('CHECKPOINT').catch(() => {}); // needs superuser; the physical case runs one as admin
  } finally {
    await c.end();
  }
}

async function pgDatabase(ctx: Ctx, instance: string, size: number): Promise<{ name: string; url: string }> {
  const name = `bench_pg_${ctx.tag}`;
  await post(ctx.call, '/v1/databases', { name, engine: 'postgres', instance });
  await until(ctx.call, `/v1/databases/${name}`, (r) => r.body?.status === 'available');
  const s = await secret(ctx.call, `dbplane/databases/${name}`);
  const url = `postgres://${s.username}:${encodeURIComponent(s.password)}@${s.host}:${s.port}/${name}`;
  await fillPostgres(url, size);
  return { name, url };
}

/** Physical snapshot vs `tar -cf` of the same data directory; answers the snapshot and the tar. */
async function physicalSnapshot(ctx: Ctx, instance: string, adminUrl: string) {
  const dir = await dataDirOf(ctx, instance);
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  await c.query('CHECKPOINT');
  await c.end();
  const bytes = await bytesUnder(dir);
  const tarFile = join(ctx.work, 'raw.tar');
  const peerSecs = await timed(() => sh('tar', ['-cf', tarFile, '-C', dir, '.']));
  const cpSecs = await timed(() => sh('cp', ['-a', dir, join(ctx.work, 'raw-copy')]));
  await rm(join(ctx.work, 'raw-copy'), { recursive: true, force: true });
  const [name, secs] = await snapshot(ctx, 'phys', { instance });
  mbps(ctx, 'physical_snapshot_mb_per_s', bytes, secs, 'tar -cf', peerSecs);
  mbps(ctx, 'physical_snapshot_vs_cp_mb_per_s', bytes, secs, 'cp -a', cpSecs);
  await physicalCopyAlone(ctx, { dir, adminUrl, bytes, peerSecs });
  process.stderr.write(`note: data directory ${(bytes / MB).toFixed(0)} MB\n`);
  return { name, bytes, tarFile };
}

/**
 * The physical copy alone (the backup session and its tar, to a file, no
 * compression or encryption) vs the same `tar -cf`: how much of the
 * snapshot's time is the copy and how much `seal()`.
 */
async function physicalCopyAlone(
  ctx: Ctx,
  p: { dir: string; adminUrl: string; bytes: number; peerSecs: number },
) {
  const u = new URL(p.adminUrl);
  const file = join(ctx.work, 'backup.tar');
  const secs = await timed(async () => {
    const b = physicalBackup({
      adminUrl: p.adminUrl,
      dataDir: p.dir,
      label: 'bench',
      superuser: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
    });
    await Promise.all([pipeline(b.stream, createWriteStream(file)), b.done]);
  });
  await rm(file, { force: true });
  mbps(ctx, 'physical_copy_without_seal_mb_per_s', p.bytes, secs, 'tar -cf', p.peerSecs);
}

/** Physical restore into a new local instance vs `tar -xf` of the raw tar. */
async function physicalRestore(ctx: Ctx, snap: { name: string; bytes: number; tarFile: string }) {
  const target = join(ctx.work, 'raw-restore');
  await mkdir(target);
  const peerSecs = await timed(() => sh('tar', ['-xf', snap.tarFile, '-C', target]));
  await rm(target, { recursive: true, force: true });
  await rm(snap.tarFile, { force: true });
  const instanceName = `bench-restored-${ctx.tag}`;
  const secs = await restore(ctx, snap.name, { instanceName });
  mbps(ctx, 'physical_restore_mb_per_s', snap.bytes, secs, 'tar -xf', peerSecs);
  return instanceName;
}

/** Logical snapshot of the PostgreSQL database vs `pg_dump --format=custom` to a file. */
async function logicalPostgresSnapshot(ctx: Ctx, db: { name: string; url: string }) {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  const bytes = Number((await c.query('SELECT pg_database_size(current_database()) AS n')).rows[0].n);
  await c.end();
  const file = join(ctx.work, 'pg.dump');
  const peerSecs = await timed(() => sh('pg_dump', ['--format=custom', '-f', file, '-d', db.url]));
  const [name, secs] = await snapshot(ctx, 'pglog', { database: db.name });
  mbps(ctx, 'logical_postgres_snapshot_mb_per_s', bytes, secs, 'pg_dump --format=custom', peerSecs);
  return { name, bytes, file };
}

/** Logical restore into a new database vs `pg_restore` of the dump into a fresh database. */
async function logicalPostgresRestore(
  ctx: Ctx,
  snap: { name: string; bytes: number; file: string },
  adminUrl: string,
) {
  const peerDb = `bench_peer_${ctx.tag}`;
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  await c.query(`CREATE DATABASE ${peerDb}`);
  const url = new URL(adminUrl);
  url.pathname = `/${peerDb}`;
  const args = [
    '--no-owner',
    '--no-privileges',
    '--single-transaction',
    '--exit-on-error',
    '-d',
    url.toString(),
  ];
  const peerSecs = await timed(() => sh('pg_restore', [...args, snap.file]));
  await c.query(`DROP DATABASE ${peerDb} WITH (FORCE)`);
  await c.end();
  await rm(snap.file, { force: true });
  const databaseName = `bench_pg_copy_${ctx.tag}`;
  const secs = await restore(ctx, snap.name, { databaseName });
  mbps(ctx, 'logical_postgres_restore_mb_per_s', snap.bytes, secs, 'pg_restore', peerSecs);
  return databaseName;
}

function mysqlArgs(u: URL, database?: string): string[] {
  const args = [
    '--protocol=TCP',
    '-h',
    u.hostname,
    '-P',
    u.port || '3306',
    '-u',
    decodeURIComponent(u.username),
  ];
  return database === undefined ? args : [...args, database];
}

/** The MariaDB cases: logical snapshot vs `mariadb-dump`, restore vs `mariadb` < dump. Skipped when unreachable. */
async function mariadbCases(ctx: Ctx, size: number, made: { databases: string[]; instances: string[] }) {
  const instance = `bench-maria-${ctx.tag}`;
  const reg = await ctx.call('POST', '/v1/instances', {
    name: instance,
    engine: 'mysql',
    provider: 'external',
    url: MYSQL_URL,
  });
  if (reg.status !== 201) {
    process.stderr.write(`note: MariaDB at ${MYSQL_URL} not usable (${JSON.stringify(reg.body)}); skipped\n`);
    return;
  }
  made.instances.push(instance);
  const name = `bench_my_${ctx.tag}`;
  await post(ctx.call, '/v1/databases', { name, engine: 'mysql', instance });
  made.databases.push(name);
  await until(ctx.call, `/v1/databases/${name}`, (r) => r.body?.status === 'available');
  const u = new URL(MYSQL_URL);
  const env = { MYSQL_PWD: decodeURIComponent(u.password) };
  const q = (sql: string, db = name) => sh('mariadb', [...mysqlArgs(u, db), '-N', '-e', sql], env);
  await q('CREATE TABLE items (id bigint PRIMARY KEY, payload text)');
  const rowsPerBatch = 100_000;
  for (let b = 0; ; b++) {
    await q(
      `INSERT INTO items SELECT seq, CONCAT(md5(seq), md5(seq * 7), md5(rand()), repeat(md5(seq % 1000), 5))
       FROM seq_${b * rowsPerBatch + 1}_to_${(b + 1) * rowsPerBatch}`,
    );
    const { stdout } = await q(
      `SELECT data_length + index_length FROM information_schema.tables WHERE table_schema = '${name}' AND table_name = 'items'`,
    );
    if (Number(stdout.trim()) >= size) break;
  }
  await q('ANALYZE TABLE items');
  const { stdout } = await q(
    `SELECT data_length + index_length FROM information_schema.tables WHERE table_schema = '${name}' AND table_name = 'items'`,
  );
  const bytes = Number(stdout.trim());
  const file = join(ctx.work, 'maria.sql');
  const dumpArgs = [
    '--single-transaction',
    '--routines',
    '--triggers',
    '--hex-blob',
    `--result-file=${file}`,
  ];
  const peerSecs = await timed(() => sh('mariadb-dump', [...dumpArgs, ...mysqlArgs(u, name)], env));
  const [snap, secs] = await snapshot(ctx, 'mylog', { database: name });
  mbps(ctx, 'logical_mariadb_snapshot_mb_per_s', bytes, secs, 'mariadb-dump', peerSecs);
  const peerDb = `bench_mypeer_${ctx.tag}`;
  await q(`CREATE DATABASE ${peerDb}`, undefined);
  const peerRestore = await timed(() =>
    sh('sh', ['-c', `mariadb ${mysqlArgs(u, peerDb).join(' ')} < ${file}`], env),
  );
  await q(`DROP DATABASE ${peerDb}`, undefined);
  await rm(file, { force: true });
  const copy = `bench_my_copy_${ctx.tag}`;
  made.databases.push(copy);
  const restoreSecs = await restore(ctx, snap, { databaseName: copy });
  mbps(ctx, 'logical_mariadb_restore_mb_per_s', bytes, restoreSecs, 'mariadb', peerRestore);
}

async function removeAll(ctx: Ctx, made: { databases: string[]; instances: string[] }) {
  const list = await ctx.call('GET', '/v1/snapshots?limit=100');
  for (const s of list.body?.snapshots ?? []) await ctx.call('DELETE', `/v1/snapshots/${s.name}`);
  for (const d of made.databases) {
    await ctx.call('DELETE', `/v1/databases/${d}`);
    await until(ctx.call, `/v1/databases/${d}`, (r) => r.status === 404).catch(() => {});
  }
  for (const i of made.instances) {
    await ctx.call('DELETE', `/v1/instances/${i}`);
    await until(ctx.call, `/v1/instances/${i}`, (r) => r.status === 404).catch(() => {});
  }
}

async function benchNode(ctx: Ctx) {
  const size = (ctx.quick ? 64 : 1024) * 1024 * 1024;
  const made = { databases: [] as string[], instances: [] as string[] };
  try {
    const instance = `bench-snap-${ctx.tag}`;
    await post(ctx.call, '/v1/instances', { name: instance, engine: 'postgres', provider: 'local' });
    made.instances.push(instance);
    await until(ctx.call, `/v1/instances/${instance}`, (r) => r.body?.status === 'available');
    const a = await secret(ctx.call, `dbplane/instances/${instance}/admin`);
    const adminUrl = `postgres://${a.username}:${encodeURIComponent(a.password)}@${a.host}:${a.port}/postgres`;
    const db = await pgDatabase(ctx, instance, size);
    made.databases.push(db.name);
    const phys = await physicalSnapshot(ctx, instance, adminUrl);
    made.instances.push(await physicalRestore(ctx, phys));
    const logical = await logicalPostgresSnapshot(ctx, db);
    made.databases.push(await logicalPostgresRestore(ctx, logical, adminUrl));
    await mariadbCases(ctx, size, made);
  } finally {
    await removeAll(ctx, made);
  }
}

export const run: Bench = async ({ quick, emit }) => {
  const store = `dbplane_bench_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE ${store}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${store}`;
  const work = await mkdtemp(join(tmpdir(), 'dbplane-bench-snap-'));
  let node: NodeProcess | undefined;
  try {
    node = await startNodeProcess({ databaseUrl: url.toString() });
    const key = (await readFile(join(node.dataDir, 'admin.key'), 'utf8')).trim();
    const tag = randomBytes(3).toString('hex');
    await benchNode({ call: client(node.url, key), node, storeUrl: url.toString(), tag, work, emit, quick });
  } finally {
    if (node !== undefined) {
      await node.kill('SIGTERM');
      await removeDir(node.dataDir);
    }
    await rm(work, { recursive: true, force: true });
    await admin(`DROP DATABASE IF EXISTS ${store} WITH (FORCE)`);
  }
  await sanitizeRate({ quick, emit });
};
