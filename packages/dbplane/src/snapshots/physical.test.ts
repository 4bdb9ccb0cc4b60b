import { randomBytes } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../test-support/cli.js';
import { type TestServer, useTestServer } from '../test-support/server.js';

const LONG = { timeout: 150_000 };
const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

interface Creds {
  host: string;
  port: number;
  username: string;
  password: string;
}

function helpers(server: TestServer) {
  const get = (path: string) => server.call('GET', path);
  const poll = async (path: string, field: string, value: string) => {
    await expect
      .poll(async () => (await get(path)).body?.[field], { timeout: 100_000, interval: 200 })
      .toBe(value);
    return (await get(path)).body;
  };
  const adminCreds = async (instance: string): Promise<Creds> => {
    const v = await get(`/v1/secrets/${encodeURIComponent(`dbplane/instances/${instance}/admin`)}/value`);
    expect(v.status, JSON.stringify(v.body)).toBe(200);
    return JSON.parse(v.body.secretString);
  };
  const connect = async (instance: string) => {
    const c = await adminCreds(instance);
    const client = new pg.Client({ host: c.host, port: c.port, user: c.username, password: c.password });
    await client.connect();
    return client;
  };
  const localInstance = async () => {
    const name = unique('phys');
    const res = await server.call('POST', '/v1/instances', { name, engine: 'postgres', provider: 'local' });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    await poll(`/v1/instances/${name}`, 'status', 'available');
    return name;
  };
  const instanceDir = async (name: string) => {
    const r = await server.pool.query<{ id: string }>('SELECT id FROM instances WHERE name = $1', [name]);
    return join(server.dataDir, 'instances', r.rows[0]?.id ?? 'none');
  };
  const snapshotFile = async (name: string) => {
    const r = await server.pool.query<{ location: string }>(
      'SELECT location FROM snapshots WHERE name = $1',
      [name],
    );
    return join(server.dataDir, 'snapshots', 'local-1', r.rows[0]?.location ?? '');
  };
  const removeInstance = async (name: string) => {
    await server.call('DELETE', `/v1/instances/${name}`);
    await expect
      .poll(async () => (await get(`/v1/instances/${name}`)).status, { timeout: 60_000, interval: 200 })
      .toBe(404);
  };
  return { get, poll, connect, localInstance, instanceDir, snapshotFile, removeInstance };
}

/**
 * A writer committing batches, each in one transaction: rows into `items`
 * and, in the same transaction, the batch's count and sum into `sums`.
 */
function startWriter(client: pg.Client) {
  let committed = 0;
  let stopped = false;
  const errors: unknown[] = [];
  const done = (async () => {
    for (let batch = 1; !stopped; batch++) {
      try {
        await client.query('BEGIN');
        await client.query(
          `INSERT INTO items (batch, n, payload) SELECT $1, g, md5(g::text) FROM generate_series(1, 200) g`,
          [batch],
        );
        await client.query(
          'INSERT INTO sums (batch, rows, total) SELECT $1, count(*), sum(n) FROM items WHERE batch = $1',
          [batch],
        );
        await client.query('COMMIT');
        committed = batch;
      } catch (err) {
        errors.push(err);
        return;
      }
    }
  })();
  return {
    committed: () => committed,
    errors,
    async stop() {
      stopped = true;
      await done;
    },
  };
}

describe('physical snapshots of local PostgreSQL instances', () => {
  const server = useTestServer();
  const h = helpers(server);
  const instances: string[] = [];
  afterAll(async () => {
    for (const name of instances) await h.removeInstance(name).catch(() => {});
  }, 120_000);

  it(
    'copies an instance under write load without stopping it; the restored instance has no torn transaction',
    LONG,
    async () => {
      const source = await h.localInstance();
      instances.push(source);
      const client = await h.connect(source);
      await client.query(
        'CREATE TABLE items (batch integer NOT NULL, n integer NOT NULL, payload text NOT NULL, PRIMARY KEY (batch, n))',
      );
      await client.query(
        'CREATE TABLE sums (batch integer PRIMARY KEY, rows integer NOT NULL, total bigint NOT NULL)',
      );
      const writer = startWriter(client);
      await expect.poll(() => writer.committed(), { timeout: 30_000 }).toBeGreaterThan(20);

      const name = unique('physnap');
      const before = writer.committed();
      const res = await server.call('POST', '/v1/snapshots', { name, instance: source });
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      expect(res.body).toMatchObject({
        name,
        kind: 'physical',
        status: 'creating',
        source: { instance: source, engine: 'postgres', database: null },
      });
      const snap = await h.poll(`/v1/snapshots/${name}`, 'status', 'available');
      const during = writer.committed() - before;
      await writer.stop();
      expect(writer.errors).toEqual([]);
      expect(during).toBeGreaterThan(0); // the source kept committing while it was copied
      expect(snap).toMatchObject({ progress: 100, kind: 'physical' });
      expect(snap.sizeBytes).toBe((await stat(await h.snapshotFile(name))).size);
      expect(snap.checksum).toMatch(/^sha256:[0-9a-f]{64}$/);
      const total = writer.committed();
      expect((await client.query('SELECT count(*)::int AS n FROM sums')).rows[0].n).toBe(total);
      await client.end();

      const target = unique('restored');
      instances.push(target);
      const restore = await server.call('POST', `/v1/snapshots/${name}/restore`, { instanceName: target });
      expect(restore.status, JSON.stringify(restore.body)).toBe(202);
      expect(restore.body.instance).toMatchObject({ name: target, status: 'creating', provider: 'local' });
      expect(restore.body.executionArn).toMatch(/execution:dbplane-restore-instance-snapshot:/);
      const restored = await h.poll(`/v1/instances/${target}`, 'status', 'available');
      expect(restored.tags).toEqual({ 'dbplane:snapshot': snap.arn });
      expect(restored.executionArn).toBe(restore.body.executionArn);

      const copy = await h.connect(target);
      const batches = (await copy.query('SELECT count(*)::int AS n, max(batch) AS last FROM sums')).rows[0];
      expect(batches.n).toBeGreaterThanOrEqual(before);
      expect(batches.n).toBeLessThanOrEqual(total);
      expect(batches.last).toBe(batches.n); // batches commit in order: none missing in between
      const torn = await copy.query(
        `SELECT s.batch, s.rows, s.total, i.rows AS found, i.total AS found_total
       FROM sums s FULL JOIN (SELECT batch, count(*)::int AS rows, sum(n)::bigint AS total FROM items GROUP BY batch) i
         USING (batch)
       WHERE s.rows IS DISTINCT FROM i.rows OR s.total IS DISTINCT FROM i.total`,
      );
      expect(torn.rows).toEqual([]);
      await copy.end();
      // the source still runs, with every batch
      const again = await h.connect(source);
      expect((await again.query('SELECT count(*)::int AS n FROM sums')).rows[0].n).toBe(total);
      await again.end();
    },
  );

  it('dbplane snapshots create --instance --wait and restore --instance-name --wait', LONG, async () => {
    const cli = (...args: string[]) =>
      runCli(args, { DBPLANE_ENDPOINT: server.url, DBPLANE_API_KEY: server.adminKey });
    const source = await h.localInstance();
    instances.push(source);
    const name = unique('physcli');
    const made = await cli('snapshots', 'create', name, '--instance', source, '--wait');
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).toMatch(
      new RegExp(`^took arn:dbplane:rds:local-1:000000000000:snapshot:${name} \\(`),
    );
    expect((await h.get(`/v1/snapshots/${name}`)).body).toMatchObject({
      status: 'available',
      kind: 'physical',
    });
    const target = unique('clicopy');
    instances.push(target);
    const restored = await cli('snapshots', 'restore', name, '--instance-name', target, '--wait');
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toContain(
      `restored ${name} into arn:dbplane:rds:local-1:000000000000:db:${target}`,
    );
    expect((await h.get(`/v1/instances/${target}`)).body.status).toBe('available');
    const wrong = await cli('snapshots', 'restore', name, '--database-name', 'nope');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/databaseName.*physical/);
    expect((await server.call('DELETE', `/v1/snapshots/${name}`)).status).toBe(200);
  });

  it("restores a copy made in another region from that region's store, under its key", LONG, async () => {
    const dir = join(server.dataDir, 'region-eu-4');
    const put = await server.call('PUT', '/v1/snapshot-stores/eu-4', { type: 'directory', path: dir });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const source = await h.localInstance();
    instances.push(source);
    const client = await h.connect(source);
    await client.query('CREATE TABLE marks (n integer PRIMARY KEY, note text NOT NULL)');
    await client.query(`INSERT INTO marks SELECT g, md5(g::text) FROM generate_series(1, 5000) g`);
    await client.end();
    const name = unique('physcopy');
    expect((await server.call('POST', '/v1/snapshots', { name, instance: source })).status).toBe(202);
    const snap = await h.poll(`/v1/snapshots/${name}`, 'status', 'available');
    const res = await server.call('POST', `/v1/snapshots/${name}/copy`, { targetRegion: 'eu-4' });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const copy = await h.poll(`/v1/snapshots/${res.body.name}`, 'status', 'available');
    expect(copy).toMatchObject({ kind: 'physical', region: 'eu-4', copyOf: snap.arn });
    expect(copy.keyArn).toMatch(/^arn:dbplane:kms:eu-4:/);

    const target = unique('fromcopy');
    instances.push(target);
    const restore = await server.call('POST', `/v1/snapshots/${copy.name}/restore`, { instanceName: target });
    expect(restore.status, JSON.stringify(restore.body)).toBe(202);
    await h.poll(`/v1/instances/${target}`, 'status', 'available');
    const restored = await h.connect(target);
    const rows = await restored.query(
      "SELECT count(*)::int AS n, md5(string_agg(note, ',' ORDER BY n)) AS h FROM marks",
    );
    await restored.end();
    const original = await h.connect(source);
    expect(rows.rows).toEqual(
      (
        await original.query(
          "SELECT count(*)::int AS n, md5(string_agg(note, ',' ORDER BY n)) AS h FROM marks",
        )
      ).rows,
    );
    await original.end();
    expect(rows.rows[0].n).toBe(5000);
  });

  it('refuses bad requests naming the field, and changes nothing', LONG, async () => {
    const external = unique('ext');
    await server.call('POST', '/v1/instances', {
      name: external,
      engine: 'postgres',
      provider: 'external',
      url: inject('pgUrl'),
    });
    const count = async () => (await h.get('/v1/snapshots')).body.snapshots.length;
    const n = await count();
    const ext = await server.call('POST', '/v1/snapshots', { name: unique('x'), instance: external });
    expect(ext.status).toBe(400);
    expect(ext.body.error.details.problems[0]).toMatchObject({ path: '/instance' });
    expect(ext.body.error.details.problems[0].message).toMatch(/physical snapshots are for local PostgreSQL/);
    const both = await server.call('POST', '/v1/snapshots', {
      name: unique('x'),
      instance: external,
      database: 'd',
    });
    expect(both.status).toBe(400);
    const neither = await server.call('POST', '/v1/snapshots', { name: unique('x') });
    expect(neither.status).toBe(400);
    expect(neither.body.error.details.problems[0].path).toBe('/database');
    expect(await count()).toBe(n);
    expect((await server.call('DELETE', `/v1/instances/${external}`)).status).toBe(202);
  });

  it(
    'refuses a corrupted physical snapshot at restore: checksum error, files removed, instance failed',
    LONG,
    async () => {
      const source = await h.localInstance();
      instances.push(source);
      const name = unique('physbad');
      expect((await server.call('POST', '/v1/snapshots', { name, instance: source })).status).toBe(202);
      await h.poll(`/v1/snapshots/${name}`, 'status', 'available');
      const asDatabase = await server.call('POST', `/v1/snapshots/${name}/restore`, { databaseName: 'nope' });
      expect(asDatabase.status).toBe(400);
      expect(asDatabase.body.error.details.problems[0].path).toBe('/databaseName');
      expect((await h.get('/v1/databases/nope')).status).toBe(404);

      const file = await h.snapshotFile(name);
      const bytes = await readFile(file);
      const at = Math.floor(bytes.length / 2);
      bytes[at] = (bytes[at] ?? 0) ^ 0x01;
      await writeFile(file, bytes);
      const target = unique('broken');
      instances.push(target);
      const res = await server.call('POST', `/v1/snapshots/${name}/restore`, { instanceName: target });
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      const failed = await h.poll(`/v1/instances/${target}`, 'status', 'failed');
      expect(failed.statusReason).toMatch(/Dbplane\.ChecksumMismatch: .*fails its checksum/);
      await expect(stat(await h.instanceDir(target))).rejects.toThrow();
      const run = await h.get(
        `/v1/state-machines/dbplane-restore-instance-snapshot/executions/${res.body.executionArn.split(':').at(-1)}`,
      );
      expect(run.body.status).toBe('FAILED');
      expect((await server.call('DELETE', `/v1/snapshots/${name}`)).status).toBe(200);
    },
  );
});
