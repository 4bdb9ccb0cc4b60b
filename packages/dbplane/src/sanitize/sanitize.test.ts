import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createScheduler } from '../bus/scheduler.js';
import { loadConfig } from '../config/index.js';
import { runCli } from '../test-support/cli.js';
import { dropMadeDatabases } from '../test-support/made-databases.js';
import { TEST_MYSQL_URL } from '../test-support/mysql.js';
import { queryAs } from '../test-support/query-as.js';
import { useTestServer } from '../test-support/server.js';
import { runId } from './integrations.js';
import type { RulesDocument } from './types.js';

// The sanitize API and the dbplane-sanitized-snapshot workflow against a real PostgreSQL (an external
// instance), end to end: validation pointers, a dry run that changes nothing, a run that masks, keeps
// joins, shares and cleans up, and a run whose masking fails midway that still removes its temporary parts.

const LONG = { timeout: 180_000 };
const region = loadConfig({ flags: {} }).region;
const unique = (prefix: string) => `${prefix}_${randomBytes(4).toString('hex')}`;
const SCHEMA = [
  `CREATE TABLE users (id bigint PRIMARY KEY, email varchar(200) NOT NULL UNIQUE, name text, phone varchar(30))`,
  'CREATE TABLE orders (id integer PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id), total numeric(10,2))',
  'CREATE TABLE newsletter (email varchar(200) PRIMARY KEY REFERENCES users (email), since date)',
  `INSERT INTO users SELECT n, 'user' || n || '@corp.test', 'Name ' || n, '+44 20 7946 ' || lpad(n::text, 4, '0')
     FROM generate_series(1, 200) n`,
  'INSERT INTO orders SELECT n, 1 + n % 200, n FROM generate_series(1, 500) n',
  "INSERT INTO newsletter SELECT email, '2020-01-01' FROM users WHERE id % 3 = 0",
];
const RULES: RulesDocument = {
  tables: {
    users: { columns: { id: 'hash', email: 'fakeEmail', name: 'fakeName', phone: 'fakePhone' } },
    orders: { columns: { user_id: 'hash' } },
    newsletter: { columns: { email: 'fakeEmail' } },
  },
};
const JOINS = [
  'SELECT count(*)::int AS n FROM orders o JOIN users u ON u.id = o.user_id',
  'SELECT count(*)::int AS n FROM newsletter l JOIN users u ON u.email = l.email',
];

const made: string[] = [];
const madeMysql: string[] = [];
afterAll(async () => {
  await dropMadeDatabases('postgres', inject('pgUrl'), made);
  await dropMadeDatabases('mysql', TEST_MYSQL_URL, madeMysql);
}, 60_000);

describe('sanitizing through the API and the dbplane-sanitized-snapshot workflow', () => {
  const server = useTestServer();
  const get = (path: string) => server.call('GET', path);
  const poll = async (path: string, field: string, done: (v: unknown) => boolean) => {
    await expect
      .poll(async () => done((await get(path)).body?.[field]), { timeout: 150_000, interval: 200 })
      .toBe(true);
    return (await get(path)).body;
  };
  const query = async (database: string, statements: string[]) => {
    const v = await get(`/v1/secrets/${encodeURIComponent(`dbplane/databases/${database}`)}/value`);
    return queryAs(JSON.parse(v.body.secretString), statements);
  };
  let instance = '';
  const source = async () => {
    if (instance === '') {
      instance = unique('pg').replaceAll('_', '-');
      const r = await server.call('POST', '/v1/instances', {
        name: instance,
        engine: 'postgres',
        provider: 'external',
        url: inject('pgUrl'),
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    const name = unique('src');
    made.push(name);
    const r = await server.call('POST', '/v1/databases', { name, engine: 'postgres', instance });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    await poll(`/v1/databases/${name}`, 'status', (s) => s === 'available');
    await query(name, SCHEMA);
    return name;
  };
  const emails = async (db: string) =>
    (await query(db, ['SELECT email FROM users ORDER BY id']))[0]?.map((r) => String(r.email)) ?? [];
  /** Nothing of the run is left: no database or snapshot tagged with its execution. */
  const leftovers = async (executionArn: string) => {
    const dbs = (await get('/v1/databases?limit=100')).body.databases as {
      name: string;
      tags: Record<string, string>;
    }[];
    const snaps = (await get('/v1/snapshots?limit=100')).body.snapshots as {
      name: string;
      tags: Record<string, string>;
    }[];
    return [...dbs, ...snaps].filter((x) => x.tags['dbplane:execution'] === executionArn).map((x) => x.name);
  };

  it(
    "runs from a nightly schedule rule, its input the target's constant input, with no run asked by hand before",
    LONG,
    async () => {
      const db = await source();
      const original = await emails(db);
      const machine = await get('/v1/state-machines/dbplane-sanitized-snapshot');
      expect(machine.status, 'installed when the node started').toBe(200);
      const rule = unique('nightly-qa').replaceAll('_', '-');
      const made = await server.call('POST', '/v1/rules', {
        name: rule,
        scheduleExpression: 'cron(0 2 * * ? *)',
      });
      expect(made.status, JSON.stringify(made.body)).toBe(201);
      const input = JSON.stringify({ source: { database: db }, rules: RULES, shareWith: ['222222222222'] });
      const targets = await server.call('PUT', `/v1/rules/${rule}/targets`, {
        targets: [{ id: 'qa', arn: machine.body.arn, input }],
      });
      expect(targets.status, JSON.stringify(targets.body)).toBe(200);
      const due = await server.pool.query<{ next_fire_at: Date }>(
        'SELECT next_fire_at FROM event_rules WHERE name = $1',
        [rule],
      );
      const at = due.rows[0]?.next_fire_at as Date;
      expect(at.getUTCHours()).toBe(2);
      const scheduler = createScheduler({
        pool: server.pool,
        region,
        now: () => new Date(at.getTime() + 1000),
      });
      await scheduler.step(); // 02:00 has come: the rule fires, the bus starts the execution
      const list = async () =>
        (await get('/v1/state-machines/dbplane-sanitized-snapshot/executions')).body.executions as {
          executionArn: string;
          status: string;
        }[];
      await expect.poll(async () => (await list()).length, { timeout: 30_000, interval: 200 }).toBe(1);
      const arn = (await list())[0]?.executionArn ?? '';
      const run = await poll(
        `/v1/state-machines/dbplane-sanitized-snapshot/executions/${arn.split(':').at(-1)}`,
        'status',
        (st) => st !== 'RUNNING',
      );
      expect(run.status, JSON.stringify(run)).toBe('SUCCEEDED');
      const snap = (await get(`/v1/snapshots/${run.output.snapshot.name}`)).body;
      expect(snap).toMatchObject({ status: 'available', sharedWith: ['222222222222'] });
      expect(await leftovers(arn)).toEqual([]);
      expect(await emails(db)).toEqual(original);
      expect((await server.call('DELETE', `/v1/rules/${rule}`)).status).toBe(200);
    },
  );

  it('names every problem by its JSON pointer, and a dry run changes nothing', LONG, async () => {
    const db = await source();
    const bad = await server.call('POST', '/v1/sanitize/validate', {
      database: db,
      rules: {
        tables: {
          users: { columns: { email: 'partial', nope: 'null', name: { rule: 'noise', amount: 2 } } },
          orders: { columns: { user_id: 'hash', id: 'hash' } },
          ghosts: { columns: { x: 'null' } },
          newsletter: { columns: { since: { rule: 'constant', value: '2020-13-45' } } },
        },
        sql: ['UPDATE users SET missing_column = 1'],
      },
    });
    expect(bad.status, JSON.stringify(bad.body)).toBe(200);
    expect(bad.body.valid).toBe(false);
    const paths = (bad.body.problems as { path: string; message: string }[]).map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/tables/ghosts',
        '/tables/users/columns/nope',
        '/tables/users/columns/email',
        '/tables/users/columns/name',
        '/tables/users/columns/id',
        '/tables/orders/columns/id',
        '/sql/0',
        '/tables/newsletter/columns/since/value',
      ]),
    );
    const byPath = Object.fromEntries(
      (bad.body.problems as { path: string; message: string }[]).map((p) => [p.path, p.message]),
    );
    expect(byPath['/tables/users/columns/email']).toMatch(/UNIQUE.*partial/);
    expect(byPath['/tables/users/columns/id']).toMatch(/orders\.user_id references users\.id/);
    expect(byPath['/tables/orders/columns/id']).toMatch(/31-bit .* collide/);
    expect(byPath['/sql/0']).toMatch(/missing_column/);
    expect(byPath['/tables/newsletter/columns/since/value']).toMatch(/not a date: .*out of range/);
    // it reaches the database as its instance's admin: not for viewers
    const viewer = (await server.call('POST', '/v1/api-keys', { name: 'reader', role: 'viewer' })).body
      .secret;
    expect(
      (await server.call('POST', '/v1/sanitize/validate', { database: db, rules: RULES }, viewer)).status,
    ).toBe(403);

    const shape = await server.call('POST', '/v1/sanitize/validate', {
      database: db,
      rules: { tables: { users: { columns: { email: 'scramble' } } } },
    });
    expect(shape.status).toBe(400);
    expect(JSON.stringify(shape.body.error.details.problems)).toContain('/rules/tables/users/columns/email');

    expect((await server.call('POST', '/v1/sanitize/validate', { database: db, rules: RULES })).body).toEqual(
      { valid: true, problems: [] },
    );
    const before = await query(db, ['SELECT * FROM users ORDER BY id', 'SELECT * FROM orders ORDER BY id']);
    const dry = await server.call('POST', '/v1/sanitize/dry-run', {
      database: db,
      rules: RULES,
      sampleRows: 3,
    });
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    const users = dry.body.tables.find((t: { table: string }) => t.table === 'users');
    expect(users.rows).toHaveLength(3);
    for (const r of users.rows) {
      expect(r.before.email).toMatch(/@corp\.test$/);
      expect(r.after.email).toMatch(/^u[0-9a-f]{16}@example\.com$/);
      expect(r.after.phone).toMatch(/^\+\d\d \d\d \d{4} \d{4}$/);
    }
    expect(await query(db, ['SELECT * FROM users ORDER BY id', 'SELECT * FROM orders ORDER BY id'])).toEqual(
      before,
    );
  });

  it(
    'makes a masked snapshot: no original email, joins intact, shared, copied, temporary parts gone',
    LONG,
    async () => {
      const db = await source();
      const original = await emails(db);
      const joins = await query(db, JOINS);
      const store = await server.call('PUT', '/v1/snapshot-stores/qa-2', {
        type: 'directory',
        path: join(server.dataDir, 'qa-2'),
      });
      expect(store.status, JSON.stringify(store.body)).toBe(200);
      const started = await server.call('POST', '/v1/sanitize/runs', {
        source: { database: db },
        rules: RULES,
        shareWith: ['222222222222'],
        copy: { targetRegion: 'qa-2' },
      });
      expect(started.status, JSON.stringify(started.body)).toBe(202);
      const run = await poll(`/v1/sanitize/runs/${started.body.id}`, 'status', (s) => s !== 'RUNNING');
      expect(run.status, JSON.stringify(run)).toBe('SUCCEEDED');
      const name = run.output.snapshot.name as string;
      expect(name).toBe(`sanitized-${db.replaceAll('_', '-')}-${runId(run.executionArn)}`);
      const snap = (await get(`/v1/snapshots/${name}`)).body;
      expect(snap).toMatchObject({ status: 'available', sharedWith: ['222222222222'] });
      expect(snap.tags['dbplane:sanitized-by']).toBe(run.executionArn);
      // copied to the other region, re-encrypted under its key
      expect(run.output.copy).toMatchObject({ name: `${name}-qa-2`, region: 'qa-2', status: 'available' });
      expect(run.output.copy.keyArn).toMatch(/^arn:dbplane:kms:qa-2:/);
      expect(run.output.verified.columns.find((c: { column: string }) => c.column === 'email')).toMatchObject(
        { stillOriginal: 0 },
      );

      const copy = unique('qa');
      made.push(copy);
      const restored = await server.call('POST', `/v1/snapshots/${name}/restore`, { databaseName: copy });
      expect(restored.status, JSON.stringify(restored.body)).toBe(202);
      const arn = restored.body.executionArn as string;
      await poll(
        `/v1/state-machines/${arn.split(':').at(-2)}/executions/${arn.split(':').at(-1)}`,
        'status',
        (s) => s === 'SUCCEEDED',
      );
      const masked = await emails(copy);
      expect(masked).toHaveLength(original.length);
      expect(masked.filter((e) => original.includes(e))).toEqual([]);
      expect(masked.every((e) => /^u[0-9a-f]{16}@example\.com$/.test(e))).toBe(true);
      expect(await query(copy, JOINS)).toEqual(joins);

      expect(await leftovers(run.executionArn)).toEqual([]);
      expect((await get(`/v1/databases/sanitize_tmp_${runId(run.executionArn)}`)).status).toBe(404);
      expect(await emails(db)).toEqual(original);
    },
  );

  it(
    'removes the temporary database when masking fails midway, and leaves the source as it was',
    LONG,
    async () => {
      const db = await source();
      const original = await emails(db);
      // EXPLAIN passes; only running it divides by zero
      const rules = { ...RULES, sql: ['UPDATE orders SET total = total / (id - id)'] };
      expect((await server.call('POST', '/v1/sanitize/validate', { database: db, rules })).body.valid).toBe(
        true,
      );
      const started = await server.call('POST', '/v1/sanitize/runs', { source: { database: db }, rules });
      expect(started.status, JSON.stringify(started.body)).toBe(202);
      const run = await poll(`/v1/sanitize/runs/${started.body.id}`, 'status', (s) => s !== 'RUNNING');
      expect(run).toMatchObject({ status: 'FAILED', error: 'Dbplane.SanitizeFailed' });
      expect(run.cause).toMatch(/\/sql\/0 failed, nothing was changed: division by zero/);
      expect(await leftovers(run.executionArn)).toEqual([]);
      expect((await get(`/v1/databases/sanitize_tmp_${runId(run.executionArn)}`)).status).toBe(404);
      expect((await get(`/v1/snapshots/sanitize-src-${runId(run.executionArn)}`)).status).toBe(404);
      expect(await emails(db)).toEqual(original);
    },
  );

  it('starts from the latest available snapshot, from the CLI with a YAML rules file', LONG, async () => {
    const db = await source();
    const cli = (args: string[]) =>
      runCli(args, { DBPLANE_ENDPOINT: server.url, DBPLANE_API_KEY: server.adminKey });
    const bad = join(server.dataDir, 'bad.yaml');
    await writeFile(bad, 'tables:\n  users:\n    columns:\n      email: partial\n');
    const refused = await cli(['sanitize', 'rules', 'validate', db, '--rules', bad]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/error \/tables\/users\/columns\/email: .*UNIQUE/);
    const good = join(server.dataDir, 'rules.yaml');
    await writeFile(
      good,
      [
        'tables:',
        '  users: { columns: { id: hash, email: fakeEmail, name: fakeName, phone: fakePhone } }',
        '  orders: { columns: { user_id: hash } }',
        '  newsletter: { columns: { email: fakeEmail } }',
      ].join('\n'),
    );
    const dry = await cli(['sanitize', 'dry-run', db, '--rules', good, '--rows', '1']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/email: user\d+@corp\.test → u[0-9a-f]{16}@example\.com/);

    const taken = unique('snap').replaceAll('_', '-');
    expect((await server.call('POST', '/v1/snapshots', { name: taken, database: db })).status).toBe(202);
    await poll(`/v1/snapshots/${taken}`, 'status', (s) => s === 'available');
    const target = unique('qa').replaceAll('_', '-');
    const ran = await cli([
      'sanitize',
      'run',
      '--database',
      db,
      '--latest-snapshot',
      '--rules',
      good,
      '--snapshot-name',
      target,
      '--wait',
      '--output',
      'json',
    ]);
    expect(ran.code, ran.stderr).toBe(0);
    const run = JSON.parse(ran.stdout);
    expect(run).toMatchObject({ status: 'SUCCEEDED', output: { snapshot: { name: target } } });
    expect(run.input.source).toEqual({ database: db, useLatestSnapshot: true });
    // the snapshot it started from is the caller's and stays; nothing of the run is left
    expect((await get(`/v1/snapshots/${taken}`)).body.status).toBe('available');
    expect((await get(`/v1/snapshots/sanitize-src-${runId(run.executionArn)}`)).status).toBe(404);
    expect(await leftovers(run.executionArn)).toEqual([]);
  });

  it('sanitizes a MariaDB database through the same workflow', LONG, async () => {
    const inst = unique('maria').replaceAll('_', '-');
    const r = await server.call('POST', '/v1/instances', {
      name: inst,
      engine: 'mysql',
      provider: 'external',
      url: TEST_MYSQL_URL,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const db = unique('msrc');
    madeMysql.push(db);
    expect(
      (await server.call('POST', '/v1/databases', { name: db, engine: 'mysql', instance: inst })).status,
    ).toBe(202);
    await poll(`/v1/databases/${db}`, 'status', (s) => s === 'available');
    const q = async (database: string, statements: string[]) => {
      const v = await get(`/v1/secrets/${encodeURIComponent(`dbplane/databases/${database}`)}/value`);
      const c = JSON.parse(v.body.secretString);
      const conn = await mysql.createConnection({
        host: c.host,
        port: c.port,
        user: c.username,
        password: c.password,
        database: c.dbname,
      });
      try {
        const out: Record<string, unknown>[][] = [];
        for (const s of statements) out.push((await conn.query(s))[0] as Record<string, unknown>[]);
        return out;
      } finally {
        await conn.end();
      }
    };
    const users = Array.from(
      { length: 100 },
      (_, i) =>
        `(${i + 1}, 'm${i + 1}@corp.test', 'Mar ${i + 1}', '+33 1 23 45 ${String(i).padStart(2, '0')}')`,
    );
    const orders = Array.from({ length: 300 }, (_, i) => `(${i + 1}, ${(i % 100) + 1})`);
    await q(db, [
      'CREATE TABLE users (id bigint PRIMARY KEY, email varchar(200) NOT NULL UNIQUE, name varchar(100), phone varchar(30))',
      'CREATE TABLE orders (id int PRIMARY KEY, user_id bigint NOT NULL, FOREIGN KEY (user_id) REFERENCES users (id))',
      `INSERT INTO users VALUES ${users.join(', ')}`,
      `INSERT INTO orders VALUES ${orders.join(', ')}`,
    ]);
    const rules = {
      tables: {
        users: { columns: { id: 'hash', email: 'fakeEmail', name: 'fakeName', phone: 'fakePhone' } },
        orders: { columns: { user_id: 'hash' } },
      },
    };
    const started = await server.call('POST', '/v1/sanitize/runs', { source: { database: db }, rules });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const run = await poll(`/v1/sanitize/runs/${started.body.id}`, 'status', (s) => s !== 'RUNNING');
    expect(run.status, JSON.stringify(run)).toBe('SUCCEEDED');
    const copy = unique('mqa');
    madeMysql.push(copy);
    const restored = await server.call('POST', `/v1/snapshots/${run.output.snapshot.name}/restore`, {
      databaseName: copy,
    });
    expect(restored.status, JSON.stringify(restored.body)).toBe(202);
    const arn = restored.body.executionArn as string;
    await poll(
      `/v1/state-machines/${arn.split(':').at(-2)}/executions/${arn.split(':').at(-1)}`,
      'status',
      (s) => s === 'SUCCEEDED',
    );
    const JOIN = 'SELECT count(*) AS n FROM orders o JOIN users u ON u.id = o.user_id';
    const [joins, masked] = await q(copy, [JOIN, 'SELECT email, phone FROM users']);
    expect(Number(joins?.[0]?.n)).toBe(300);
    expect(masked?.filter((u) => String(u.email).endsWith('@corp.test'))).toEqual([]);
    expect(masked?.every((u) => /^\+\d\d \d \d\d \d\d \d\d$/.test(String(u.phone)))).toBe(true);
    expect(await leftovers(run.executionArn)).toEqual([]);
    const [still] = await q(db, ["SELECT count(*) AS n FROM users WHERE email LIKE '%@corp.test'"]);
    expect(Number(still?.[0]?.n)).toBe(100);
  });
});
