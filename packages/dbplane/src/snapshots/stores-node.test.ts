import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { useTestDatabase } from '../test-support/database.js';
import { dropMadeDatabases } from '../test-support/made-databases.js';
import { adminClient, type NodeProcess, removeDir, startNodeProcess } from '../test-support/node-process.js';
import { queryAs } from '../test-support/query-as.js';
import { startS3Server, type TestS3 } from '../test-support/s3.js';
import { createS3Store } from './s3-store.js';

/**
 * A node whose own region's store is an S3 bucket (the `snapshotStore`
 * setting, credentials from the AWS_* variables): snapshots are written
 * there, listed as its local store, and restored from there.
 */
describe('the node region store in S3 (snapshotStore setting)', () => {
  const store = useTestDatabase({ migrated: false });
  let node: NodeProcess | undefined;
  let s3: TestS3 | undefined;
  const made: string[] = [];
  afterAll(async () => {
    await node?.kill();
    if (node !== undefined) await removeDir(node.dataDir);
    await s3?.close();
    await dropMadeDatabases('postgres', inject('pgUrl'), made);
  }, 60_000);

  it('writes snapshots into the bucket and restores them from it', { timeout: 180_000 }, async () => {
    s3 = await startS3Server();
    node = await startNodeProcess({
      databaseUrl: store.url,
      env: {
        DBPLANE_SNAPSHOT_STORE: `s3://${s3.bucket}/local-1/?endpoint=${s3.endpoint}&forcePathStyle=true`,
        AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
      },
    });
    const call = await adminClient(() => node?.url ?? '', node.dataDir);
    const until = async (path: string, check: (b: any) => boolean) => {
      await expect
        .poll(async () => check((await call('GET', path)).body), { timeout: 120_000, interval: 100 })
        .toBe(true);
      return (await call('GET', path)).body;
    };
    const credentials = async (name: string) =>
      JSON.parse(
        (await call('GET', `/v1/secrets/${encodeURIComponent(`dbplane/databases/${name}`)}/value`)).body
          .secretString,
      );
    const rows = async (name: string) =>
      (await queryAs(await credentials(name), ['SELECT * FROM t ORDER BY id']))[0];

    const stores = (await call('GET', '/v1/snapshot-stores')).body.stores;
    expect(stores).toEqual([
      expect.objectContaining({ region: 'local-1', type: 's3', local: true, reachable: true }),
    ]);
    const suffix = randomBytes(3).toString('hex');
    const instance = `pg-${suffix}`;
    expect(
      (
        await call('POST', '/v1/instances', {
          name: instance,
          engine: 'postgres',
          provider: 'external',
          url: inject('pgUrl'),
        })
      ).status,
    ).toBe(201);
    const source = `s3src_${suffix}`;
    made.push(source);
    expect((await call('POST', '/v1/databases', { name: source, engine: 'postgres', instance })).status).toBe(
      202,
    );
    await until(`/v1/databases/${source}`, (b) => b.status === 'available');
    await queryAs(await credentials(source), [
      'CREATE TABLE t (id integer PRIMARY KEY, v text)',
      "INSERT INTO t SELECT g, 'row ' || g FROM generate_series(1, 500) g",
    ]);

    const snap = `s3-${suffix}`;
    expect((await call('POST', '/v1/snapshots', { name: snap, database: source })).status).toBe(202);
    const done = await until(`/v1/snapshots/${snap}`, (b) => b.status !== 'creating');
    expect(done.status, done.statusReason).toBe('available');
    const bucket = createS3Store({
      bucket: s3.bucket,
      prefix: 'local-1/',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: s3.credentials,
    });
    const db = new pg.Client({ connectionString: store.url });
    await db.connect();
    const row = (await db.query('SELECT location FROM snapshots WHERE name = $1', [snap])).rows[0];
    await db.end();
    expect(row.location.startsWith('000000000000/')).toBe(true);
    expect(await bucket.size(row.location)).toBe(done.sizeBytes);

    const target = `s3restored_${suffix}`;
    made.push(target);
    const restore = await call('POST', `/v1/snapshots/${snap}/restore`, { databaseName: target });
    expect(restore.status, JSON.stringify(restore.body)).toBe(202);
    const [machine, run] = (restore.body.executionArn as string).split(':').slice(-2);
    const ran = await until(`/v1/state-machines/${machine}/executions/${run}`, (b) => b.status !== 'RUNNING');
    expect(ran.status, `${ran.error}: ${ran.cause}`).toBe('SUCCEEDED');
    expect(await rows(target)).toEqual(await rows(source));
    expect((await call('DELETE', `/v1/snapshots/${snap}`)).status).toBe(200);
    expect(await bucket.size(row.location)).toBeUndefined();
  });
});
