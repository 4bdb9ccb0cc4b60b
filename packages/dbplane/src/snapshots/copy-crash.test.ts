import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { useTestDatabase } from '../test-support/database.js';
import { dropMadeDatabases } from '../test-support/made-databases.js';
import { adminClient, type NodeProcess, removeDir, startNodeProcess } from '../test-support/node-process.js';
import { queryAs } from '../test-support/query-as.js';

/** Small parts and a pause after each, so that a copy of a ~1 MB snapshot takes seconds and can be killed midway. */
const ENV = {
  DBPLANE_TASK_LEASE_MS: '2000',
  DBPLANE_SNAPSHOT_COPY_PART_BYTES: String(64 * 1024),
  DBPLANE_SNAPSHOT_COPY_PART_DELAY_MS: '300',
};
const ROWS = [
  "SELECT count(*)::int AS n, md5(string_agg(id::text || ':' || blob, ',' ORDER BY id)) AS h FROM blobs",
];

/**
 * Chaos: `dbplane up` is killed with SIGKILL in the middle of a cross-region
 * copy, then started again on the same store and data directory. The copy
 * ends available, resumed from the parts already written (not from zero),
 * and a restore of it matches the source.
 */
describe('a cross-region copy under kill -9', () => {
  const store = useTestDatabase({ migrated: false });
  let node: NodeProcess | undefined;
  let dataDir: string | undefined;
  let otherRegion: string | undefined;
  const made: string[] = [];
  afterAll(async () => {
    await node?.kill();
    if (dataDir !== undefined) await removeDir(dataDir);
    if (otherRegion !== undefined) await removeDir(otherRegion);
    await dropMadeDatabases('postgres', inject('pgUrl'), made);
  }, 60_000);

  /** What the store recorded of the copy (read directly: the node is down). */
  const partsWritten = async (name: string): Promise<{ parts_written: number }> => {
    const client = new pg.Client({ connectionString: store.url });
    await client.connect();
    try {
      const r = await client.query(
        'SELECT parts_written FROM snapshot_copies c JOIN snapshots s ON s.id = c.snapshot_id WHERE s.name = $1',
        [name],
      );
      return r.rows[0];
    } finally {
      await client.end();
    }
  };

  it('resumes at the first missing part after the node is killed', { timeout: 240_000 }, async () => {
    node = await startNodeProcess({ databaseUrl: store.url, env: ENV });
    dataDir = node.dataDir;
    otherRegion = await mkdtemp(join(tmpdir(), 'dbplane-eu-2-'));
    const call = await adminClient(() => node?.url ?? '', dataDir);
    const until = async (path: string, check: (b: any) => boolean, timeout = 120_000) => {
      await expect
        .poll(async () => check((await call('GET', path)).body), { timeout, interval: 100 })
        .toBe(true);
      return (await call('GET', path)).body;
    };
    const credentials = async (name: string) =>
      JSON.parse(
        (await call('GET', `/v1/secrets/${encodeURIComponent(`dbplane/databases/${name}`)}/value`)).body
          .secretString,
      );
    const query = async (name: string, statements: string[]) => {
      return queryAs(await credentials(name), statements);
    };

    const suffix = randomBytes(3).toString('hex');
    const instance = `pg-${suffix}`;
    const made1 = await call('POST', '/v1/instances', {
      name: instance,
      engine: 'postgres',
      provider: 'external',
      url: inject('pgUrl'),
    });
    expect(made1.status).toBe(201);
    const source = `copysrc_${suffix}`;
    made.push(source);
    expect((await call('POST', '/v1/databases', { name: source, engine: 'postgres', instance })).status).toBe(
      202,
    );
    await until(`/v1/databases/${source}`, (b) => b.status === 'available');
    // random hex compresses to about half: some 1 MB of snapshot, 15+ parts of 64 KiB
    await query(source, [
      'CREATE TABLE blobs (id integer PRIMARY KEY, blob text NOT NULL)',
      'INSERT INTO blobs SELECT g, md5(random()::text) || md5(random()::text) FROM generate_series(1, 30000) g',
    ]);
    const snap = `snap-${suffix}`;
    expect((await call('POST', '/v1/snapshots', { name: snap, database: source })).status).toBe(202);
    await until(`/v1/snapshots/${snap}`, (b) => b.status === 'available');
    expect(
      (await call('PUT', '/v1/snapshot-stores/eu-2', { type: 'directory', path: otherRegion })).status,
    ).toBe(200);

    const copy = await call('POST', `/v1/snapshots/${snap}/copy`, { targetRegion: 'eu-2' });
    expect(copy.status, JSON.stringify(copy.body)).toBe(202);
    const name = copy.body.name as string;
    const midway = await until(`/v1/snapshots/${name}/copy`, (b) => b.partsDone >= 3);
    expect(midway.partsTotal).toBeGreaterThan(6);
    await node.kill('SIGKILL');
    const before = await partsWritten(name);
    expect(before.parts_written).toBeLessThan(midway.partsTotal);

    node = await startNodeProcess({ databaseUrl: store.url, dataDir, env: ENV });
    const done = await until(`/v1/snapshots/${name}`, (b) => b.status !== 'creating', 180_000);
    expect(done).toMatchObject({ status: 'available', region: 'eu-2', progress: 100 });
    const progress = (await call('GET', `/v1/snapshots/${name}/copy`)).body;
    expect(progress.attempts).toBe(2);
    expect(progress.partsDone).toBe(progress.partsTotal);
    // the second attempt started where the first stopped: no part was written twice but the one in flight
    expect(progress.resumedFromPart).toBeGreaterThanOrEqual(before.parts_written);
    expect(progress.partsWritten).toBeLessThanOrEqual(progress.partsTotal + 1);

    const target = `copyrestored_${suffix}`;
    made.push(target);
    const restore = await call('POST', `/v1/snapshots/${name}/restore`, { databaseName: target, instance });
    expect(restore.status, JSON.stringify(restore.body)).toBe(202);
    const [machine, run] = (restore.body.executionArn as string).split(':').slice(-2);
    await until(`/v1/state-machines/${machine}/executions/${run}`, (b) => b.status === 'SUCCEEDED');
    expect(await query(target, ROWS)).toEqual(await query(source, ROWS));
  });
});
