/**
 * Cross-region snapshot copies: MB/s of the snapshot file copied into
 * another region's store (verified, decrypted, sealed again under that
 * region's key, written part by part with its progress recorded, read back),
 * next to `cp` of the same file: into a directory store, and into an S3
 * store (s3rver on loopback).
 *
 *   npm run bench -- snapshot-copy [--quick]
 *
 * One `dbplane up` on a store database of its own (on
 * DBPLANE_BENCH_DATABASE_URL, dropped afterwards); the source is a
 * PostgreSQL database on that server (~256 MB of random hex, `--quick`
 * ~32 MB), its snapshot timed from POST .../copy to available.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import {
  type NodeProcess,
  removeDir,
  startNodeProcess,
} from '../packages/dbplane/src/test-support/node-process.js';
import { startS3Server } from '../packages/dbplane/src/test-support/s3.js';
import { ADMIN_URL, admin, type Bench, type Call, client } from './lib.js';

const MB = 1e6;
const run$ = promisify(execFile);

async function until(call: Call, path: string, done: (b: any) => boolean): Promise<any> {
  for (;;) {
    const r = await call('GET', path);
    if (r.body?.status === 'failed') throw new Error(`${path} failed: ${r.body.statusReason ?? ''}`);
    if (done(r.body)) return r.body;
    await new Promise((res) => setTimeout(res, 20));
  }
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

/** A database of ~`mb` MB of random hex on the bench server, owned by the node's provisioning. */
async function source(call: Call, mb: number, tag: string): Promise<string> {
  const instance = `bench-pg-${tag}`;
  await call('POST', '/v1/instances', {
    name: instance,
    engine: 'postgres',
    provider: 'external',
    url: ADMIN_URL,
  });
  const name = `bench_copy_${tag}`;
  await call('POST', '/v1/databases', { name, engine: 'postgres', instance });
  await until(call, `/v1/databases/${name}`, (b) => b.status === 'available');
  const c = JSON.parse(
    (await call('GET', `/v1/secrets/dbplane%2Fdatabases%2F${name}/value`)).body.secretString,
  );
  const db = new pg.Client({
    host: c.host,
    port: c.port,
    user: c.username,
    password: c.password,
    database: c.dbname,
  });
  await db.connect();
  try {
    await db.query('CREATE TABLE blobs (id integer PRIMARY KEY, blob text NOT NULL)');
    const rows = Math.ceil((mb * MB) / 300);
    await db.query(
      `INSERT INTO blobs SELECT g, ${Array(8).fill('md5(random()::text)').join(' || ')} FROM generate_series(1, ${rows}) g`,
    );
  } finally {
    await db.end();
  }
  return name;
}

export const run: Bench = async ({ quick, emit }) => {
  const storeDb = `dbplane_bench_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE ${storeDb}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${storeDb}`;
  const work = await mkdtemp(join(tmpdir(), 'dbplane-bench-copy-'));
  const s3 = await startS3Server();
  let node: NodeProcess | undefined;
  let database: string | undefined;
  try {
    node = await startNodeProcess({ databaseUrl: url.toString() });
    const call = client(node.url, (await readFile(join(node.dataDir, 'admin.key'), 'utf8')).trim());
    const tag = randomBytes(3).toString('hex');
    database = await source(call, quick ? 32 : 256, tag);
    const snap = `bench-copy-${tag}`;
    await call('POST', '/v1/snapshots', { name: snap, database });
    await until(call, `/v1/snapshots/${snap}`, (b) => b.status === 'available');
    const rows = new pg.Client({ connectionString: url.toString() });
    await rows.connect();
    const location = (await rows.query('SELECT location FROM snapshots WHERE name = $1', [snap])).rows[0]
      .location;
    await rows.end();
    const file = join(node.dataDir, 'snapshots', 'local-1', location);
    const bytes = (await stat(file)).size;
    const cpSecs = await timed(() => run$('cp', [file, join(work, 'raw-copy.snap')]));
    await call('PUT', '/v1/snapshot-stores/eu-2', { type: 'directory', path: join(work, 'eu-2') });
    await call('PUT', '/v1/snapshot-stores/eu-3', {
      type: 's3',
      bucket: s3.bucket,
      endpoint: s3.endpoint,
      forcePathStyle: true,
      accessKeyId: s3.credentials.accessKeyId,
      secretAccessKey: s3.credentials.secretAccessKey,
    });
    for (const [region, metric] of [
      ['eu-2', 'copy_to_directory_store_mb_per_s'],
      ['eu-3', 'copy_to_s3_store_mb_per_s'],
    ] as const) {
      const secs = await timed(async () => {
        const r = await call('POST', `/v1/snapshots/${snap}/copy`, { targetRegion: region });
        await until(call, `/v1/snapshots/${r.body.name}`, (b) => b.status === 'available');
      });
      emit({
        bench: 'snapshot-copy',
        metric,
        value: bytes / MB / secs,
        unit: 'MB/s',
        peer: 'cp',
        peerValue: bytes / MB / cpSecs,
      });
    }
    emit({ bench: 'snapshot-copy', metric: 'snapshot_file_mb', value: bytes / MB, unit: 'MB' });
  } finally {
    if (node !== undefined) {
      await node.kill('SIGTERM');
      await removeDir(node.dataDir);
    }
    await s3.close();
    await rm(work, { recursive: true, force: true });
    if (database !== undefined)
      await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => {});
    if (database !== undefined) await admin(`DROP ROLE IF EXISTS ${database}`).catch(() => {});
    await admin(`DROP DATABASE IF EXISTS ${storeDb} WITH (FORCE)`);
  }
};
