import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';
import { mysqlAvailable, TEST_MYSQL_URL } from '../test-support/mysql.js';
import { applyBootstrap, type MysqlBootstrapSpec, type PasswordSource, planBootstrap } from './index.js';

/**
 * Integration tests against the machine's MariaDB (slow: a real server).
 * Every account and database has a random suffix, and the table of managed
 * objects lives in a database of this run; afterAll removes them all.
 */
const hasMysql = await mysqlAvailable();
const sfx = randomBytes(4).toString('hex');
const n = (base: string) => `bt_${base}_${sfx}`;
const READER = n('reader');
const APPU = n('app');
const ROU = n('ro');
const NOB = n('nobody');
const HAND = n('hand');
const SHOP = n('shop');
const LOGS = n('logs');
const HAND_DB = n('handdb');
const META = n('meta');
const HOSTILE_USER = `bt'q"; DROP USER root;--ü${sfx}`;
const HOSTILE_DB = `bt;d'b\`x"ü-${sfx}`;
const SECRETS: Record<string, string> = { ro: `ro-${sfx}`, nob: `nob'"\\${sfx}`, hostile: `h'o"s\`t;${sfx}` };

const passwords: PasswordSource & { kept: Map<string, string> } = {
  kept: new Map(),
  async secret(name) {
    const v = SECRETS[name];
    if (v === undefined) throw new Error(`no secret ${name}`);
    return v;
  },
  async generated(role) {
    return passwords.kept.get(role);
  },
};

function baseSpec(): MysqlBootstrapSpec {
  return {
    engine: 'mariadb',
    roles: [{ name: READER }],
    users: [
      {
        name: APPU,
        password: { generate: true },
        roles: [READER],
        defaultRole: READER,
        maxUserConnections: 5,
      },
      { name: ROU, password: { secret: 'ro' } },
      { name: NOB, password: { secret: 'nob' } },
    ],
    databases: [{ name: SHOP, charset: 'utf8mb4', collation: 'utf8mb4_unicode_ci' }, { name: LOGS }],
    grants: [
      { user: APPU, privileges: ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'CREATE'], on: { database: SHOP } },
      { user: APPU, privileges: ['PROCESS'], on: { global: true } },
      { role: READER, privileges: ['SELECT'], on: { database: LOGS } },
    ],
    prune: false,
  };
}

const target = (spec: MysqlBootstrapSpec) => ({
  url: TEST_MYSQL_URL,
  engine: 'mariadb' as const,
  spec,
  passwords,
  metaDatabase: META,
});
async function root<T>(fn: (c: mysql.Connection) => Promise<T>): Promise<T> {
  const c = await mysql.createConnection({ uri: TEST_MYSQL_URL });
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}
async function asUser<T>(
  user: string,
  password: string,
  fn: (c: mysql.Connection) => Promise<T>,
): Promise<T> {
  const u = new URL(TEST_MYSQL_URL);
  const c = await mysql.createConnection({ host: u.hostname, port: Number(u.port), user, password });
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}
const id = (s: string) => mysql.escapeId(s, true);
const acct = (s: string, host = '%') => `${mysql.escape(s)}@${mysql.escape(host)}`;

describe.runIf(hasMysql)('bootstrap on MariaDB', () => {
  afterAll(async () => {
    await root(async (c) => {
      for (const d of [SHOP, LOGS, HAND_DB, HOSTILE_DB, META])
        await c.query(`DROP DATABASE IF EXISTS ${id(d)}`);
      for (const u of [APPU, ROU, NOB, HAND, HOSTILE_USER]) await c.query(`DROP USER IF EXISTS ${acct(u)}`);
      await c.query(`DROP ROLE IF EXISTS ${mysql.escape(READER)}`);
    });
  });

  it('applies a spec of users, roles, databases and grants; the second plan and apply are empty', async () => {
    const plan = await planBootstrap(target(baseSpec()));
    expect(plan.problems).toEqual([]);
    expect(JSON.stringify(plan)).not.toContain(SECRETS.ro);
    expect(plan.changes).toContainEqual({
      action: 'create',
      object: `user ${acct(ROU)}`,
      sql: expect.stringContaining("IDENTIFIED BY '***'"),
    });
    const applied = await applyBootstrap(target(baseSpec()));
    expect(applied.problems).toEqual([]);
    expect(applied.passwords.map((p) => p.role)).toEqual([`${APPU}@%`]);
    for (const p of applied.passwords) passwords.kept.set(p.role, p.password);
    expect((await planBootstrap(target(baseSpec()))).changes).toEqual([]);
    expect((await applyBootstrap(target(baseSpec()))).changes).toEqual([]);
    const [rows] = await root((c) =>
      c.query('SELECT DEFAULT_COLLATION_NAME AS co FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [
        SHOP,
      ]),
    );
    expect(rows).toEqual([{ co: 'utf8mb4_unicode_ci' }]);
  });

  it('lets a user do exactly what is granted, a role through its default role', async () => {
    const pw = passwords.kept.get(`${APPU}@%`) ?? '';
    await root((c) => c.query(`CREATE TABLE ${id(LOGS)}.events (id int)`));
    await asUser(APPU, pw, async (c) => {
      await c.query(`CREATE TABLE ${id(SHOP)}.orders (id int)`);
      await c.query(`INSERT INTO ${id(SHOP)}.orders VALUES (1)`);
      const [r] = await c.query(`SELECT count(*) AS n FROM ${id(SHOP)}.orders`);
      expect(r).toEqual([{ n: 1 }]);
      await c.query(`SELECT * FROM ${id(LOGS)}.events`);
      await expect(c.query(`DROP TABLE ${id(SHOP)}.orders`)).rejects.toThrow(/denied/);
      await expect(c.query(`INSERT INTO ${id(LOGS)}.events VALUES (1)`)).rejects.toThrow(/denied/);
      await expect(c.query('SELECT * FROM mysql.user')).rejects.toThrow(/denied/);
    });
    await expect(asUser(APPU, 'wrong', async () => {})).rejects.toThrow(/Access denied/);
    await asUser(NOB, SECRETS.nob ?? '', async (c) => {
      await expect(c.query(`SELECT * FROM ${id(SHOP)}.orders`)).rejects.toThrow(/denied/);
    });
  });

  it('grants on one table, and reports a table that does not exist', async () => {
    const spec = baseSpec();
    spec.grants?.push({ user: ROU, privileges: ['SELECT'], on: { database: SHOP, table: 'orders' } });
    spec.grants?.push({ user: ROU, privileges: ['SELECT'], on: { database: SHOP, table: 'nope' } });
    expect((await planBootstrap(target(spec))).problems).toEqual([
      { path: '/grants/4/on/table', message: `table "nope" does not exist in database "${SHOP}"` },
    ]);
    spec.grants?.pop();
    await applyBootstrap(target(spec));
    expect((await planBootstrap(target(spec))).changes).toEqual([]);
    await asUser(ROU, SECRETS.ro ?? '', async (c) => {
      const [r] = await c.query(`SELECT id FROM ${id(SHOP)}.orders`);
      expect(r).toEqual([{ id: 1 }]);
      await expect(c.query(`INSERT INTO ${id(SHOP)}.orders VALUES (2)`)).rejects.toThrow(/denied/);
    });
  });

  it('shows hand-made drift in the plan and repairs it', async () => {
    await root(async (c) => {
      await c.query(`GRANT DROP ON ${id(SHOP.replace(/_/g, '\\_'))}.* TO ${acct(APPU)}`);
      await c.query(`REVOKE INSERT ON ${id(SHOP.replace(/_/g, '\\_'))}.* FROM ${acct(APPU)}`);
      await c.query(`REVOKE ${mysql.escape(READER)} FROM ${acct(APPU)}`);
      await c.query(`GRANT RELOAD ON *.* TO ${acct(APPU)}`);
      await c.query(`ALTER USER ${acct(ROU)} IDENTIFIED BY 'by-hand'`);
    });
    const plan = await planBootstrap(target(baseSpec()));
    const pattern = id(SHOP.replace(/_/g, '\\_'));
    expect(plan.changes.map((c) => c.sql).sort()).toEqual(
      [
        `ALTER USER ${acct(ROU)} IDENTIFIED BY '***'`,
        `GRANT ${mysql.escape(READER)} TO ${acct(APPU)}`,
        `GRANT INSERT ON ${pattern}.* TO ${acct(APPU)}`,
        `REVOKE DROP ON ${pattern}.* FROM ${acct(APPU)}`,
        `REVOKE RELOAD ON *.* FROM ${acct(APPU)}`,
      ].sort(),
    );
    await applyBootstrap(target(baseSpec()));
    expect((await planBootstrap(target(baseSpec()))).changes).toEqual([]);
    await asUser(ROU, SECRETS.ro ?? '', async (c) => {
      await c.query('SELECT 1');
    });
  });

  it('prunes only the managed objects the spec no longer has', async () => {
    await root(async (c) => {
      await c.query(`CREATE USER ${acct(HAND)}`);
      await c.query(`CREATE DATABASE ${id(HAND_DB)}`);
    });
    const spec = baseSpec();
    spec.users = (spec.users ?? []).filter((u) => u.name !== NOB);
    spec.databases = (spec.databases ?? []).filter((d) => d.name !== LOGS);
    spec.grants = (spec.grants ?? []).filter((g) => !('role' in g));
    expect((await planBootstrap(target(spec))).changes).toEqual([]);
    spec.prune = true;
    const plan = await planBootstrap(target(spec));
    expect(plan.changes.map((c) => [c.action, c.object]).sort()).toEqual(
      [
        ['drop', `database ${id(LOGS)}`],
        ['drop', `user ${acct(NOB)}`],
      ].sort(),
    );
    await applyBootstrap(target(spec));
    expect((await planBootstrap(target(spec))).changes).toEqual([]);
    const [users] = await root((c) =>
      c.query('SELECT User AS u FROM mysql.user WHERE User IN (?, ?, ?) ORDER BY 1', [NOB, HAND, APPU]),
    );
    expect((users as { u: string }[]).map((r) => r.u)).toEqual([APPU, HAND].sort());
    const [dbs] = await root((c) =>
      c.query(
        'SELECT SCHEMA_NAME AS d FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (?, ?, ?) ORDER BY 1',
        [LOGS, HAND_DB, SHOP],
      ),
    );
    expect((dbs as { d: string }[]).map((r) => r.d)).toEqual([HAND_DB, SHOP].sort());
  });

  it('quotes hostile names and passwords by the engine rules', async () => {
    const spec: MysqlBootstrapSpec = {
      engine: 'mariadb',
      users: [{ name: HOSTILE_USER, password: { secret: 'hostile' } }],
      databases: [{ name: HOSTILE_DB }],
      grants: [
        { user: HOSTILE_USER, privileges: ['SELECT', 'CREATE', 'INSERT'], on: { database: HOSTILE_DB } },
      ],
    };
    expect((await applyBootstrap(target(spec))).problems).toEqual([]);
    expect((await planBootstrap(target(spec))).changes).toEqual([]);
    await asUser(HOSTILE_USER, SECRETS.hostile ?? '', async (c) => {
      await c.query(`CREATE TABLE ${id(HOSTILE_DB)}.t (id int)`);
      await c.query(`INSERT INTO ${id(HOSTILE_DB)}.t VALUES (1)`);
    });
    const [root_] = await root((c) => c.query("SELECT 1 AS one FROM mysql.user WHERE User = 'root' LIMIT 1"));
    expect(root_).toEqual([{ one: 1 }]);
  });
});
