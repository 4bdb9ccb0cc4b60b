import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../test-support/cli.js';
import { dropMadeDatabases } from '../test-support/made-databases.js';
import { type DatabaseCredentials, queryAs } from '../test-support/query-as.js';
import { startS3Server, type TestS3 } from '../test-support/s3.js';
import { useTestServer } from '../test-support/server.js';
import { pastRetention } from './retention.js';
import { createS3Store } from './s3-store.js';
import { parseStoreSetting } from './stores.js';

const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;
const LONG = { timeout: 120_000 };
const ROWS = [
  'SELECT * FROM customers ORDER BY id',
  "SELECT count(*)::int AS n, md5(string_agg(blob, ',' ORDER BY id)) AS h FROM blobs",
];
const SCHEMA = [
  'CREATE TABLE customers (id integer PRIMARY KEY, email text NOT NULL UNIQUE)',
  "INSERT INTO customers VALUES (1, 'ada@example.com'), (2, 'bob@example.com')",
  'CREATE TABLE blobs (id integer PRIMARY KEY, blob text NOT NULL)',
  'INSERT INTO blobs SELECT g, md5(g::text) || md5((g * 7)::text) FROM generate_series(1, 2000) g',
];

const bytes = async (r: Readable) => {
  const parts: Buffer[] = [];
  for await (const c of r) parts.push(c as Buffer);
  return Buffer.concat(parts);
};

const made: string[] = [];
afterAll(() => dropMadeDatabases('postgres', inject('pgUrl'), made), 60_000);

describe('cross-region copies, stores, dr-copy and retention', async () => {
  const server = useTestServer();
  let started: TestS3 | undefined;
  afterAll(async () => started?.close());
  const get = (path: string) => server.call('GET', path);
  const poll = async (path: string, field: string, value: string) => {
    await expect
      .poll(async () => (await get(path)).body?.[field], { timeout: 90_000, interval: 100 })
      .toBe(value);
    return (await get(path)).body;
  };
  const credentials = async (name: string): Promise<DatabaseCredentials> =>
    JSON.parse(
      (await get(`/v1/secrets/${encodeURIComponent(`dbplane/databases/${name}`)}/value`)).body.secretString,
    );
  const execution = (arn: string) =>
    poll(
      `/v1/state-machines/${arn.split(':').at(-2)}/executions/${arn.split(':').at(-1)}`,
      'status',
      'SUCCEEDED',
    );
  const database = async (instance: string) => {
    const name = unique('src').replaceAll('-', '_');
    made.push(name);
    const res = await server.call('POST', '/v1/databases', { name, engine: 'postgres', instance });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    await poll(`/v1/databases/${name}`, 'status', 'available');
    await queryAs(await credentials(name), SCHEMA);
    return name;
  };
  const snapshot = async (databaseName: string) => {
    const name = unique('snap');
    const res = await server.call('POST', '/v1/snapshots', { name, database: databaseName });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    return poll(`/v1/snapshots/${name}`, 'status', 'available');
  };
  let ready: Promise<{ instance: string; s3: TestS3 }> | undefined;
  const start = async () => {
    const s3 = await startS3Server();
    started = s3;
    const instance = unique('pg');
    const made = await server.call('POST', '/v1/instances', {
      name: instance,
      engine: 'postgres',
      provider: 'external',
      url: inject('pgUrl'),
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    return { instance, s3 };
  };
  const setup = () => {
    ready ??= start();
    return ready;
  };

  it("knows other regions' stores: S3 and a directory, validated, secrets never answered", LONG, async () => {
    const { s3 } = await setup();
    const put = await server.call('PUT', '/v1/snapshot-stores/eu-2', {
      type: 's3',
      bucket: s3.bucket,
      prefix: 'eu-2/',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      accessKeyId: s3.credentials.accessKeyId,
      secretAccessKey: s3.credentials.secretAccessKey,
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const dir = join(server.dataDir, 'other-region');
    expect(
      (await server.call('PUT', '/v1/snapshot-stores/us-3', { type: 'directory', path: dir })).status,
    ).toBe(200);
    const bad = await server.call('PUT', '/v1/snapshot-stores/eu-9', {
      type: 's3',
      bucket: 'x',
      endpoint: 'ftp://a',
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/bucket|endpoint/);
    const half = await server.call('PUT', '/v1/snapshot-stores/eu-9', {
      type: 's3',
      bucket: 'abc',
      accessKeyId: 'a',
    });
    expect(half.status).toBe(400);
    expect(half.body.error.message).toMatch(/\/secretAccessKey/);
    expect(
      (await server.call('PUT', '/v1/snapshot-stores/local-1', { type: 'directory', path: dir })).status,
    ).toBe(409);
    const list = await get('/v1/snapshot-stores');
    expect(list.body.stores).toEqual([
      expect.objectContaining({ region: 'local-1', type: 'directory', local: true, reachable: true }),
      expect.objectContaining({ region: 'eu-2', type: 's3', local: false, reachable: true }),
      expect.objectContaining({ region: 'us-3', type: 'directory', location: dir, reachable: true }),
    ]);
    expect(list.body.stores.map((s: { region: string }) => s.region)).not.toContain('eu-9');
    expect(JSON.stringify(list.body)).not.toContain('secretAccessKey');
    const audit = await server.pool.query<{ request_parameters: unknown }>(
      "SELECT request_parameters FROM audit_records WHERE action = 'PutSnapshotStore'",
    );
    // (s3rver's secret key equals its key id, so look for the field itself)
    expect(JSON.stringify(audit.rows)).toContain('"secretAccessKey":"*** redacted ***"');
    expect(JSON.stringify(audit.rows)).not.toContain(`"secretAccessKey":"${s3.credentials.secretAccessKey}"`);
    expect(
      (await server.call('PUT', '/v1/snapshot-stores/ap-9', { type: 'directory', path: dir })).status,
    ).toBe(200);
    expect((await server.call('DELETE', '/v1/snapshot-stores/ap-9')).status).toBe(200);
    expect((await server.call('DELETE', '/v1/snapshot-stores/ap-9')).status).toBe(404);
    expect((await server.call('DELETE', '/v1/snapshot-stores/local-1')).status).toBe(409);
    expect((await get('/v1/snapshot-stores')).body.stores.map((s: { region: string }) => s.region)).toEqual([
      'local-1',
      'eu-2',
      'us-3',
    ]);
    const row = await server.pool.query('SELECT secret FROM snapshot_stores WHERE region = $1', ['eu-2']);
    expect(JSON.stringify(row.rows)).not.toContain(s3.credentials.secretAccessKey);
  });

  it(
    'copies to another region re-encrypted under its key; the restore of the copy matches row for row',
    LONG,
    async () => {
      const { instance, s3 } = await setup();
      const source = await database(instance);
      const snap = await snapshot(source);
      const refused = await server.call('POST', `/v1/snapshots/${snap.name}/copy`, { targetRegion: 'ap-7' });
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toMatch(/no snapshot store is known for region "ap-7"/);
      const badKey = await server.call('POST', `/v1/snapshots/${snap.name}/copy`, {
        targetRegion: 'eu-2',
        kmsKeyId: 'nope',
      });
      expect(badKey.status).toBe(400);
      expect(JSON.stringify(badKey.body)).toContain('/kmsKeyId');
      const before = await server.pool.query('SELECT count(*)::int AS n FROM snapshots');

      const res = await server.call('POST', `/v1/snapshots/${snap.name}/copy`, { targetRegion: 'eu-2' });
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      expect(res.body).toMatchObject({
        name: `${snap.name}-eu-2`,
        region: 'eu-2',
        status: 'creating',
        copyOf: snap.arn,
        arn: `arn:dbplane:rds:eu-2:000000000000:snapshot:${snap.name}-eu-2`,
      });
      const again = await server.call('POST', `/v1/snapshots/${snap.name}/copy`, { targetRegion: 'eu-2' });
      expect(again.status).toBe(202);
      expect(again.body.arn).toBe(res.body.arn);
      expect((await server.pool.query('SELECT count(*)::int AS n FROM snapshots')).rows[0].n).toBe(
        before.rows[0].n + 1,
      );
      const copy = await poll(`/v1/snapshots/${res.body.name}`, 'status', 'available');
      expect(copy.keyArn).toMatch(/^arn:dbplane:kms:eu-2:000000000000:key\//);
      expect(snap.keyArn).toMatch(/^arn:dbplane:kms:local-1:/);
      expect(copy.checksum).not.toBe(snap.checksum);
      const inEu2 = (await get('/v1/snapshots?region=eu-2')).body.snapshots.map(
        (s: { name: string }) => s.name,
      );
      expect(inEu2).toContain(copy.name);
      expect(inEu2).not.toContain(snap.name);
      const progress = await get(`/v1/snapshots/${res.body.name}/copy`);
      expect(progress.body).toMatchObject({
        sourceArn: snap.arn,
        targetRegion: 'eu-2',
        partsDone: progress.body.partsTotal,
        attempts: 1,
      });

      // the bytes differ: the source file on disk, the copy in the S3 bucket
      const src = await server.pool.query(
        'SELECT location FROM snapshots WHERE id IN (SELECT id FROM snapshots WHERE name = $1)',
        [snap.name],
      );
      const dst = await server.pool.query('SELECT location FROM snapshots WHERE name = $1', [copy.name]);
      const srcBytes = await readFile(join(server.dataDir, 'snapshots', 'local-1', src.rows[0].location));
      const bucket = createS3Store({
        bucket: s3.bucket,
        prefix: 'eu-2/',
        endpoint: s3.endpoint,
        forcePathStyle: true,
        credentials: s3.credentials,
      });
      const dstBytes = await bytes(bucket.read(dst.rows[0].location));
      expect(dstBytes.length).toBe(copy.sizeBytes);
      expect(dstBytes.equals(srcBytes)).toBe(false);
      expect(dstBytes.includes('ada@example.com')).toBe(false);
      expect(dstBytes.subarray(64, 4096).equals(srcBytes.subarray(64, 4096))).toBe(false);

      const target = unique('restored').replaceAll('-', '_');
      made.push(target);
      const restore = await server.call('POST', `/v1/snapshots/${copy.name}/restore`, {
        databaseName: target,
        instance,
      });
      expect(restore.status, JSON.stringify(restore.body)).toBe(202);
      await execution(restore.body.executionArn);
      expect(await queryAs(await credentials(target), ROWS)).toEqual(
        await queryAs(await credentials(source), ROWS),
      );

      // deleting the copy removes its object from the other region's store
      expect((await server.call('DELETE', `/v1/snapshots/${copy.name}`)).status).toBe(200);
      expect(await bucket.size(dst.rows[0].location)).toBeUndefined();
    },
  );

  it(
    'copies under a named key, within the region and to another: another data key and key, the same data',
    LONG,
    async () => {
      const { instance } = await setup();
      const snap = await snapshot(await database(instance));
      const alias = `alias/${unique('qa')}`;
      const key = await server.call('POST', '/v1/kms-keys', { alias, description: 'QA copies' });
      expect(key.status, JSON.stringify(key.body)).toBe(201);
      const res = await server.call('POST', `/v1/snapshots/${snap.name}/copy`, {
        targetRegion: 'local-1',
        targetName: `${snap.name}-qa`,
        kmsKeyId: alias,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      const copy = await poll(`/v1/snapshots/${snap.name}-qa`, 'status', 'available');
      expect(copy).toMatchObject({ region: 'local-1', keyArn: key.body.arn, copyOf: snap.arn });
      expect(copy.keyArn).not.toBe(snap.keyArn);
      expect(copy.checksum).not.toBe(snap.checksum);
      const taken = await server.call('POST', `/v1/snapshots/${snap.name}/copy`, {
        targetRegion: 'eu-2',
        targetName: snap.name,
      });
      expect(taken.status).toBe(409);
      // and to another region under a key made there
      const far = await server.call('POST', '/v1/kms-keys?region=eu-2', { alias });
      expect(far.status, JSON.stringify(far.body)).toBe(201);
      const away = await server.call('POST', `/v1/snapshots/${snap.name}/copy`, {
        targetRegion: 'eu-2',
        targetName: `${snap.name}-qa-eu`,
        kmsKeyId: alias,
      });
      expect(away.status, JSON.stringify(away.body)).toBe(202);
      const inEu2 = await poll(`/v1/snapshots/${snap.name}-qa-eu`, 'status', 'available');
      expect(inEu2).toMatchObject({ region: 'eu-2', keyArn: far.body.arn });
    },
  );

  it(
    'refuses to copy a source whose file no longer matches its checksum (read once, checked at its end)',
    LONG,
    async () => {
      const { instance } = await setup();
      const snap = await snapshot(await database(instance));
      const r = await server.pool.query<{ location: string }>(
        'SELECT location FROM snapshots WHERE name = $1',
        [snap.name],
      );
      const file = join(server.dataDir, 'snapshots', 'local-1', r.rows[0]?.location ?? '');
      const stored = await readFile(file);
      stored[stored.length - 30] = (stored[stored.length - 30] ?? 0) ^ 0xff; // in the last chunk
      await writeFile(file, stored);
      const res = await server.call('POST', `/v1/snapshots/${snap.name}/copy`, {
        targetRegion: 'local-1',
        targetName: `${snap.name}-bad`,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      const failed = await poll(`/v1/snapshots/${snap.name}-bad`, 'status', 'failed');
      expect(failed.statusReason).toMatch(/Dbplane\.ChecksumMismatch.*fails its checksum/);
      const left = await server.pool.query('SELECT location FROM snapshots WHERE name = $1', [
        `${snap.name}-bad`,
      ]);
      const copyFile = join(server.dataDir, 'snapshots', 'local-1', left.rows[0]?.location ?? '');
      await expect(readFile(copyFile)).rejects.toMatchObject({ code: 'ENOENT' });
    },
  );

  it(
    'dr-copy copies only what the target region lacks, then prunes copies past retention',
    LONG,
    async () => {
      const { instance } = await setup();
      const source = await database(instance);
      const first = await snapshot(source);
      const pre = await server.call('POST', `/v1/snapshots/${first.name}/copy`, { targetRegion: 'us-3' });
      expect(pre.status).toBe(202);
      await poll(`/v1/snapshots/${pre.body.name}`, 'status', 'available');
      const second = await snapshot(source);
      const third = await snapshot(source);
      const started = await server.call('POST', '/v1/state-machines/dbplane-dr-copy/executions', {
        input: { targetRegion: 'us-3', database: source, keepLast: 2 },
      });
      expect(started.status, JSON.stringify(started.body)).toBe(201);
      const done = await execution(started.body.executionArn);
      const output = done.output;
      expect(output.missing.items.map((i: { snapshotId: string }) => i.snapshotId)).toHaveLength(2);
      expect(output.copied.map((c: { name: string }) => c.name).sort()).toEqual(
        [`${second.name}-us-3`, `${third.name}-us-3`].sort(),
      );
      // three copies in us-3, keep the newest two: the first one's copy goes, the sources stay
      expect(output.pruned.deleted).toEqual([{ name: pre.body.name, region: 'us-3' }]);
      expect((await get(`/v1/snapshots/${pre.body.name}`)).status).toBe(404);
      for (const s of [first, second, third]) expect((await get(`/v1/snapshots/${s.name}`)).status).toBe(200);

      const rerun = await server.call('POST', '/v1/state-machines/dbplane-dr-copy/executions', {
        input: { targetRegion: 'us-3', database: source },
      });
      const again = (await execution(rerun.body.executionArn)).output;
      // the first snapshot's copy was pruned, so it is missing again; the others are not
      expect(again.missing.count).toBe(1);
    },
  );

  it('dbplane snapshots copy --wait shows a progress bar; dbplane snapshot-stores list', LONG, async () => {
    const { instance } = await setup();
    const snap = await snapshot(await database(instance));
    const cli = (...args: string[]) =>
      runCli(args, { DBPLANE_ENDPOINT: server.url, DBPLANE_API_KEY: server.adminKey });
    const copied = await cli('snapshots', 'copy', snap.name, '--target-region', 'us-3', '--wait');
    expect(copied.code, copied.stderr).toBe(0);
    expect(copied.stdout).toMatch(
      new RegExp(`^copied to arn:dbplane:rds:us-3:000000000000:snapshot:${snap.name}-us-3`),
    );
    expect(copied.stderr).toMatch(/\[#+\] 100% (\d+)\/\1 parts/);
    const stores = await cli('snapshot-stores', 'list');
    expect(stores.code, stores.stderr).toBe(0);
    expect(stores.stdout).toMatch(/us-3\s+directory/);
    const bad = await cli('snapshots', 'copy', snap.name, '--target-region', 'ap-7');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/no snapshot store is known for region "ap-7"/);
  });

  it(
    'retention keeps the newest N of a source in each region, deletes the rest, never one being copied',
    LONG,
    async () => {
      const { instance } = await setup();
      const source = await database(instance);
      const snaps = [];
      for (let i = 0; i < 4; i++) snaps.push(await snapshot(source));
      // a store that accepts connections and never answers: a copy of the oldest stays creating
      const sockets = new Set<Socket>();
      const hanging = createServer((socket) => sockets.add(socket));
      await new Promise<void>((res) => hanging.listen(0, '127.0.0.1', res));
      const port = (hanging.address() as AddressInfo).port;
      try {
        const store = await server.call('PUT', '/v1/snapshot-stores/zz-1', {
          type: 's3',
          bucket: 'never',
          endpoint: `http://127.0.0.1:${port}`,
          forcePathStyle: true,
          accessKeyId: 'a',
          secretAccessKey: 'b',
        });
        expect(store.status).toBe(200);
        const copy = await server.call('POST', `/v1/snapshots/${snaps[0]?.name}/copy`, {
          targetRegion: 'zz-1',
        });
        expect(copy.status).toBe(202);
        await expect.poll(() => sockets.size, { timeout: 60_000 }).toBeGreaterThan(0);
        const busy = await server.call('DELETE', `/v1/snapshots/${snaps[0]?.name}`);
        expect(busy.status).toBe(409);
        expect(busy.body.error.message).toMatch(/is being copied to/);

        expect((await server.call('PUT', `/v1/snapshot-retention/${source}`, {})).status).toBe(400);
        const put = await server.call('PUT', `/v1/snapshot-retention/${source}`, { keepLast: 2 });
        expect(put.status, JSON.stringify(put.body)).toBe(200);
        expect(put.body).toMatchObject({ sourceType: 'database', source, keepLast: 2, keepDays: null });
        expect((await get(`/v1/snapshot-retention/${source}`)).body.keepLast).toBe(2);
        const started = await server.call(
          'POST',
          '/v1/state-machines/dbplane-snapshot-retention/executions',
          {
            input: {},
          },
        );
        const done = (await execution(started.body.executionArn)).output;
        expect(done.deleted).toEqual([{ name: snaps[1]?.name, region: 'local-1' }]);
        expect(done.protected).toEqual([{ name: snaps[0]?.name, reason: 'being copied or restored from' }]);
        expect((await get(`/v1/snapshots/${snaps[1]?.name}`)).status).toBe(404);
        for (const kept of [snaps[0], snaps[2], snaps[3]])
          expect((await get(`/v1/snapshots/${kept?.name}`)).status).toBe(200);
        expect((await get(`/v1/snapshots/${copy.body.name}`)).body.status).toBe('creating');
        const rules = await get('/v1/rules/dbplane-snapshot-retention');
        expect(rules.body.scheduleExpression).toBe('cron(0 3 * * ? *)');
        expect((await server.call('DELETE', `/v1/snapshot-retention/${source}`)).status).toBe(200);
      } finally {
        for (const socket of sockets) socket.destroy();
        hanging.close();
      }
    },
  );
});

describe('the snapshotStore setting', () => {
  it('is a directory by default or when a path, an S3 bucket when an s3:// URL', () => {
    expect(parseStoreSetting('', '/d/snapshots/local-1')).toEqual({
      type: 'directory',
      path: '/d/snapshots/local-1',
    });
    expect(parseStoreSetting('/mnt/snaps', '/x')).toEqual({ type: 'directory', path: '/mnt/snaps' });
    expect(
      parseStoreSetting(
        's3://snaps/eu-1/?endpoint=http://127.0.0.1:9000&region=eu-west-1&forcePathStyle=true',
        '/x',
      ),
    ).toEqual({
      type: 's3',
      bucket: 'snaps',
      prefix: 'eu-1/',
      endpoint: 'http://127.0.0.1:9000',
      s3Region: 'eu-west-1',
      forcePathStyle: true,
    });
    expect(parseStoreSetting('s3://snaps', '/x')).toEqual({ type: 's3', bucket: 'snaps' });
  });
});

describe('pastRetention', () => {
  const day = 24 * 60 * 60 * 1000;
  const now = Date.UTC(2026, 0, 10);
  const rows = [0, 1, 2, 5, 9].map((d) => ({ id: d, created_at: new Date(now - d * day - 1) }));
  it('keeps the newest N, or the young ones, or either when both are set', () => {
    expect(pastRetention(rows, { keepLast: 2, keepDays: null }, now).map((r) => r.id)).toEqual([2, 5, 9]);
    expect(pastRetention(rows, { keepLast: null, keepDays: 3 }, now).map((r) => r.id)).toEqual([5, 9]);
    expect(pastRetention(rows, { keepLast: 4, keepDays: 3 }, now).map((r) => r.id)).toEqual([9]);
    expect(pastRetention([], { keepLast: 1, keepDays: null }, now)).toEqual([]);
  });
});
