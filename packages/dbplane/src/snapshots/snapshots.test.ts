import { randomBytes } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { connectAdmin } from '../engines/admin/index.js';
import { withTransaction } from '../store/db.js';
import { runCli } from '../test-support/cli.js';
import { TEST_MYSQL_URL } from '../test-support/mysql.js';
import { queryAs } from '../test-support/query-as.js';
import { type TestServer, useTestServer } from '../test-support/server.js';
import { verify } from './format.js';
import { createDirectoryStore } from './store.js';
import { estimateDumpBytes } from './tools.js';

const unique = (prefix: string) => `${prefix}_${randomBytes(4).toString('hex')}`;
const LONG = { timeout: 120_000 };

interface Creds {
  host: string;
  port: number;
  username: string;
  password: string;
  dbname: string;
}

/** What a test needs of an engine: a client, the rows of a table, the tables made. */
interface EngineCase {
  engine: 'postgres' | 'mysql';
  url: () => string;
  query(c: Creds, statements: string[]): Promise<unknown[][]>;
}

const postgres: EngineCase = {
  engine: 'postgres',
  url: () => inject('pgUrl'),
  query: queryAs,
};

const mariadb: EngineCase = {
  engine: 'mysql',
  url: () => TEST_MYSQL_URL,
  async query(c, statements) {
    const conn = await mysql.createConnection({
      host: c.host,
      port: c.port,
      user: c.username,
      password: c.password,
      database: c.dbname,
    });
    try {
      const out: unknown[][] = [];
      for (const s of statements) out.push((await conn.query(s))[0] as unknown[]);
      return out;
    } finally {
      await conn.end();
    }
  },
};

const SCHEMA = [
  'CREATE TABLE customers (id integer PRIMARY KEY, email varchar(200) NOT NULL UNIQUE, name varchar(200))',
  `CREATE TABLE orders (id integer PRIMARY KEY, customer_id integer NOT NULL REFERENCES customers (id),
     total numeric(10,2) NOT NULL, note text)`,
  `INSERT INTO customers VALUES (1, 'ada@example.com', 'Ada'), (2, 'bob@example.com', 'Bøb ☃'),
     (3, 'cy@example.com', NULL)`,
  `INSERT INTO orders VALUES (10, 1, 12.50, 'first'), (11, 1, 0.99, NULL), (12, 2, 1000.00, 'it''s "quoted"'),
     (13, 3, 7.00, 'line
break')`,
];
const ROWS = ['SELECT * FROM customers ORDER BY id', 'SELECT * FROM orders ORDER BY id'];

/** Databases (and their owner logins, named alike) made on the shared servers, dropped whatever happens. */
const made: { engine: EngineCase; name: string }[] = [];
const track = (engine: EngineCase, prefix: string) => {
  const name = unique(prefix);
  made.push({ engine, name });
  return name;
};
afterAll(async () => {
  for (const { engine, name } of made) {
    const admin = await connectAdmin(engine.engine, engine.url());
    try {
      await admin.dropDatabase(name);
      await admin.dropLogin(name);
    } finally {
      await admin.close();
    }
  }
}, 60_000);

function helpers(server: TestServer) {
  const get = (path: string, key?: string) => server.call('GET', path, undefined, key);
  const poll = async (path: string, field: string, value: string, key?: string) => {
    await expect
      .poll(async () => (await get(path, key)).body?.[field], { timeout: 90_000, interval: 100 })
      .toBe(value);
    return (await get(path, key)).body;
  };
  const credentials = async (name: string, key?: string): Promise<Creds> => {
    const v = await get(`/v1/secrets/${encodeURIComponent(`dbplane/databases/${name}`)}/value`, key);
    expect(v.status, JSON.stringify(v.body)).toBe(200);
    return JSON.parse(v.body.secretString);
  };
  const execution = (arn: string, key?: string) =>
    poll(
      `/v1/state-machines/${arn.split(':').at(-2)}/executions/${arn.split(':').at(-1)}`,
      'status',
      'SUCCEEDED',
      key,
    );
  const instance = async (engine: EngineCase, key?: string) => {
    const name = unique(engine.engine === 'postgres' ? 'pg' : 'maria').replaceAll('_', '-');
    const made = await server.call(
      'POST',
      '/v1/instances',
      { name, engine: engine.engine, provider: 'external', url: engine.url() },
      key,
    );
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    return name;
  };
  const database = async (engine: EngineCase, instanceName: string) => {
    const name = track(engine, 'src');
    const res = await server.call('POST', '/v1/databases', {
      name,
      engine: engine.engine,
      instance: instanceName,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    await poll(`/v1/databases/${name}`, 'status', 'available');
    await engine.query(await credentials(name), SCHEMA);
    return name;
  };
  const snapshot = async (databaseName: string) => {
    const name = unique('snap').replaceAll('_', '-');
    const res = await server.call('POST', '/v1/snapshots', { name, database: databaseName });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body).toMatchObject({ name, status: 'creating', kind: 'logical' });
    return poll(`/v1/snapshots/${name}`, 'status', 'available');
  };
  const dropDatabase = async (name: string, key?: string) => {
    await server.call('DELETE', `/v1/databases/${name}`, undefined, key);
    await expect
      .poll(async () => (await get(`/v1/databases/${name}`, key)).status, { timeout: 60_000 })
      .toBe(404);
  };
  const fileOf = async (snapshot: string) => {
    const r = await server.pool.query<{ location: string }>(
      'SELECT location FROM snapshots WHERE name = $1',
      [snapshot],
    );
    return join(server.dataDir, 'snapshots', 'local-1', r.rows[0]?.location ?? '');
  };
  return { get, poll, credentials, execution, instance, database, snapshot, dropDatabase, fileOf };
}

describe('logical snapshots', () => {
  const server = useTestServer();
  const h = helpers(server);

  for (const engine of [postgres, mariadb]) {
    it(
      `snapshots a ${engine.engine} database and restores it into a new one, row for row`,
      LONG,
      async () => {
        const inst = await h.instance(engine);
        const source = await h.database(engine, inst);
        expect(await estimateDumpBytes(engine.engine, engine.url(), source)).toBeGreaterThan(0);
        const snap = await h.snapshot(source);
        expect(snap).toMatchObject({
          arn: `arn:dbplane:rds:local-1:000000000000:snapshot:${snap.name}`,
          source: { database: source, engine: engine.engine, instance: inst },
          kind: 'logical',
          progress: 100,
          region: 'local-1',
          sharedWith: [],
        });
        expect(snap.sizeBytes).toBeGreaterThan(0);
        expect(snap.checksum).toMatch(/^sha256:[0-9a-f]{64}$/);
        expect(['zstd', 'gzip']).toContain(snap.compression);
        expect(snap.keyArn).toMatch(/^arn:dbplane:kms:local-1:000000000000:key\//);
        const stored = await readFile(await h.fileOf(snap.name));
        expect(stored.length).toBe(snap.sizeBytes);
        expect(stored.includes('ada@example.com')).toBe(false);
        expect((await h.get('/v1/snapshots')).body.snapshots.map((s: { name: string }) => s.name)).toContain(
          snap.name,
        );

        const target = track(engine, 'copy');
        const res = await server.call('POST', `/v1/snapshots/${snap.name}/restore`, { databaseName: target });
        expect(res.status, JSON.stringify(res.body)).toBe(202);
        expect(res.body.database).toMatchObject({ name: target, status: 'creating', instance: inst });
        await h.execution(res.body.executionArn);
        expect((await h.get(`/v1/databases/${target}`)).body).toMatchObject({
          status: 'available',
          executionArn: res.body.executionArn,
        });
        const [before, after] = [await h.credentials(source), await h.credentials(target)];
        expect(after.username).toBe(target);
        expect(await engine.query(after, ROWS)).toEqual(await engine.query(before, ROWS));
        // the foreign key came back too
        await expect(engine.query(after, ['INSERT INTO orders VALUES (99, 42, 1, NULL)'])).rejects.toThrow();
        if (engine.engine === 'postgres') {
          const [owners] = await engine.query(after, [
            "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'",
          ]);
          expect(owners).toEqual([{ tableowner: target }]);
        }

        expect((await server.call('DELETE', `/v1/snapshots/${snap.name}`)).status).toBe(200);
        expect((await h.get(`/v1/snapshots/${snap.name}`)).status).toBe(404);
        await expect(readFile(await h.fileOf(snap.name))).rejects.toThrow();
        await h.dropDatabase(target);
        await h.dropDatabase(source);
        expect((await server.call('DELETE', `/v1/instances/${inst}`)).status).toBe(202);
      },
    );
  }

  it('refuses to restore a corrupted snapshot file with a checksum error', LONG, async () => {
    const inst = await h.instance(postgres);
    const source = await h.database(postgres, inst);
    const snap = await h.snapshot(source);
    const file = await h.fileOf(snap.name);
    const bytes = await readFile(file);
    const at = Math.floor(bytes.length / 2);
    bytes[at] = (bytes[at] ?? 0) ^ 0x01;
    await writeFile(file, bytes);

    const target = track(postgres, 'bad');
    const res = await server.call('POST', `/v1/snapshots/${snap.name}/restore`, { databaseName: target });
    expect(res.status).toBe(202);
    const db = await h.poll(`/v1/databases/${target}`, 'status', 'failed');
    expect(db.statusReason).toMatch(/Dbplane\.ChecksumMismatch: .*fails its checksum/);
    const arn: string = res.body.executionArn;
    const run = await h.get(
      `/v1/state-machines/dbplane-restore-snapshot/executions/${arn.split(':').at(-1)}`,
    );
    expect(run.body.status).toBe('FAILED');
    await h.dropDatabase(target);
    await server.call('DELETE', `/v1/snapshots/${snap.name}`);
    await h.dropDatabase(source);
    await server.call('DELETE', `/v1/instances/${inst}`);
  });

  it(
    'shares a snapshot with account B: B sees and restores it but cannot delete it; C sees nothing',
    LONG,
    async () => {
      const keyOf = async (accountId: string) => {
        return withTransaction(server.pool, async (tx) => {
          await tx.query('INSERT INTO accounts (id, name) VALUES ($1, $1) ON CONFLICT DO NOTHING', [
            accountId,
          ]);
          const k = await server.services.accounts.createKey(tx, {
            accountId,
            name: 'admin',
            role: 'admin',
            createdBy: null,
          });
          return k.secret;
        });
      };
      const [b, c] = ['111111111111', '222222222222'];
      const [keyB, keyC] = [await keyOf(b), await keyOf(c)];
      const inst = await h.instance(postgres);
      const source = await h.database(postgres, inst);
      const snap = await h.snapshot(source);
      const path = `/v1/snapshots/${snap.name}`;
      expect((await h.get(path, keyB)).status).toBe(404);

      const shared = await server.call('POST', `${path}/share`, { accountIds: [b] });
      expect(shared.status, JSON.stringify(shared.body)).toBe(200);
      expect(shared.body.sharedWith).toEqual([b]);
      expect(await h.get(path, keyB)).toMatchObject({
        status: 200,
        body: { arn: snap.arn, ownerAccountId: '000000000000' },
      });
      expect((await h.get('/v1/snapshots', keyB)).body.snapshots.map((s: { arn: string }) => s.arn)).toEqual([
        snap.arn,
      ]);
      expect((await h.get(`/v1/snapshots/${encodeURIComponent(snap.arn)}`, keyB)).body.name).toBe(snap.name);
      expect((await h.get(path, keyC)).status).toBe(404);
      expect((await h.get('/v1/snapshots', keyC)).body.snapshots).toEqual([]);
      expect((await server.call('DELETE', path, undefined, keyB)).status).toBe(403);
      expect((await server.call('DELETE', path, undefined, keyC)).status).toBe(404);
      expect((await server.call('POST', `${path}/share`, { accountIds: [c] }, keyB)).status).toBe(403);
      expect(
        (await server.call('POST', `${path}/restore`, { databaseName: unique('no') }, keyC)).status,
      ).toBe(404);

      const instB = await h.instance(postgres, keyB);
      const target = track(postgres, 'qa');
      const res = await server.call(
        'POST',
        `${path}/restore`,
        { databaseName: target, instance: instB },
        keyB,
      );
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      expect(res.body.database.arn).toBe(`arn:dbplane:rds:local-1:${b}:database:${target}`);
      await h.execution(res.body.executionArn, keyB);
      const restored = await postgres.query(await h.credentials(target, keyB), ROWS);
      expect(restored).toEqual(await postgres.query(await h.credentials(source), ROWS));

      const unshared = await server.call('POST', `${path}/share`, { accountIds: [], removeAccountIds: [b] });
      expect(unshared.body.sharedWith).toEqual([]);
      expect((await h.get(path, keyB)).status).toBe(404);
      await h.dropDatabase(target, keyB);
      await server.call('DELETE', `/v1/instances/${instB}`, undefined, keyB);
      await server.call('DELETE', path);
      await h.dropDatabase(source);
      await server.call('DELETE', `/v1/instances/${inst}`);
    },
  );

  it('dbplane snapshots create --wait, list, describe, share, restore --wait and delete', LONG, async () => {
    const cli = (...args: string[]) =>
      runCli(args, { DBPLANE_ENDPOINT: server.url, DBPLANE_API_KEY: server.adminKey });
    const inst = await h.instance(postgres);
    const source = await h.database(postgres, inst);
    const name = unique('cli').replaceAll('_', '-');
    const made = await cli('snapshots', 'create', name, '--database', source, '--wait');
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).toMatch(
      new RegExp(`^took arn:dbplane:rds:local-1:000000000000:snapshot:${name} \\(`),
    );
    expect(made.stderr).toMatch(new RegExp(`snapshot ${name}: available 100%`));
    expect((await cli('snapshots', 'list')).stdout).toMatch(
      new RegExp(`^${name}\\s+${source}\\s+postgres\\s+available\\s+100%`, 'm'),
    );
    const described = await cli('--output', 'json', 'snapshots', 'describe', name);
    expect(JSON.parse(described.stdout)).toMatchObject({ name, kind: 'logical', status: 'available' });
    const shared = await cli('snapshots', 'share', name, '--accounts', '333333333333');
    expect(shared.stdout).toContain(`${name} is shared with 333333333333`);
    const target = track(postgres, 'clicopy');
    const restored = await cli('snapshots', 'restore', name, '--database-name', target, '--wait');
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toContain(
      `restored ${name} into arn:dbplane:rds:local-1:000000000000:database:${target}`,
    );
    expect(await postgres.query(await h.credentials(target), ROWS)).toEqual(
      await postgres.query(await h.credentials(source), ROWS),
    );
    const missing = await cli(
      'snapshots',
      'create',
      unique('x').replaceAll('_', '-'),
      '--database',
      'nope_db',
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/database "nope_db" does not exist/);
    expect((await cli('snapshots', 'delete', name)).stdout).toContain(
      `deleted arn:dbplane:rds:local-1:000000000000:snapshot:${name}`,
    );
    await h.dropDatabase(target);
    await h.dropDatabase(source);
    await server.call('DELETE', `/v1/instances/${inst}`);
  });

  it(
    'attempts of the create task racing each other leave one file, the one the checksum describes',
    LONG,
    async () => {
      const inst = await h.instance(postgres);
      const source = await h.database(postgres, inst);
      const name = unique('race').replaceAll('_', '-');
      expect((await server.call('POST', '/v1/snapshots', { name, database: source })).status).toBe(202);
      const id = (await server.pool.query<{ id: string }>('SELECT id FROM snapshots WHERE name = $1', [name]))
        .rows[0]?.id;
      const resource = 'arn:dbplane:states:::snapshots:create';
      const handler = server.runtime.registry.resolve(resource);
      const invoke = () =>
        handler?.({
          resource,
          input: { snapshotId: id },
          idempotencyToken: 'race',
          taskToken: null,
          pattern: 'requestResponse',
          accountId: '000000000000',
          executionArn: 'test',
          signal: new AbortController().signal,
        });
      const outcomes = await Promise.all([invoke(), invoke()]);
      expect(outcomes.map((o) => o?.type)).toEqual(['succeeded', 'succeeded']);
      const snap = await h.poll(`/v1/snapshots/${name}`, 'status', 'available');
      const dir = join(server.dataDir, 'snapshots', 'local-1', '000000000000');
      await expect
        .poll(async () => (await readdir(dir)).filter((f) => f.startsWith(`${id}`)), { timeout: 30_000 })
        .toEqual([basename(await h.fileOf(name))]);
      await verify(
        createDirectoryStore(join(server.dataDir, 'snapshots', 'local-1')),
        `000000000000/${basename(await h.fileOf(name))}`,
        snap.checksum,
      );
      expect((await server.call('DELETE', `/v1/snapshots/${name}`)).status).toBe(200);
      await h.dropDatabase(source);
      await server.call('DELETE', `/v1/instances/${inst}`);
    },
  );

  it(
    "marks a snapshot failed with the dump tool's error, and keeps no file, when the dump fails",
    LONG,
    async () => {
      const inst = await h.instance(postgres);
      const source = await h.database(postgres, inst);
      const admin = await connectAdmin('postgres', postgres.url());
      await admin.dropDatabase(source); // gone behind dbplane's back
      await admin.close();
      const name = unique('broken').replaceAll('_', '-');
      expect((await server.call('POST', '/v1/snapshots', { name, database: source })).status).toBe(202);
      const snap = await h.poll(`/v1/snapshots/${name}`, 'status', 'failed');
      expect(snap.statusReason).toMatch(
        new RegExp(`^Dbplane.ToolFailed: pg_dump failed: .*${source}.*does not exist`),
      );
      expect(snap).toMatchObject({ sizeBytes: null, checksum: null });
      const dir = join(server.dataDir, 'snapshots', 'local-1', '000000000000');
      const id = (await server.pool.query<{ id: string }>('SELECT id FROM snapshots WHERE name = $1', [name]))
        .rows[0]?.id;
      expect((await readdir(dir).catch(() => [])).filter((f) => f.startsWith(`${id}`))).toEqual([]);
      const restore = await server.call('POST', `/v1/snapshots/${name}/restore`, {
        databaseName: unique('never'),
      });
      expect(restore.status).toBe(409);
      expect((await server.call('DELETE', `/v1/snapshots/${name}`)).status).toBe(200);
      await h.dropDatabase(source);
      await server.call('DELETE', `/v1/instances/${inst}`);
    },
  );

  it('names the missing snapshot and refuses a database that does not exist', async () => {
    expect((await h.get('/v1/snapshots/nope')).status).toBe(404);
    const res = await server.call('POST', '/v1/snapshots', { name: 'x1', database: 'missing_db' });
    expect(res.status).toBe(404);
    expect(res.body.error.message).toMatch(/database "missing_db"/);
    const bad = await server.call('POST', '/v1/snapshots', { name: '1-bad', database: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.problems[0].path).toBe('/name');
  });
});
