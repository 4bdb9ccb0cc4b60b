import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mysqlAvailable, TEST_MYSQL_URL } from '../../test-support/mysql.js';
import { connectAdmin, type EngineAdmin, type EngineName } from './index.js';

const hasMysql = await mysqlAvailable();
const suffix = randomBytes(3).toString('hex');

/** Connects as `login` to `database` and creates, fills and reads a table: the login really works there. */
async function useAsLogin(
  engine: EngineName,
  serverUrl: string,
  p: { login: string; password: string; database: string },
) {
  const url = new URL(serverUrl);
  if (engine === 'postgres') {
    const c = new pg.Client({
      host: url.hostname,
      port: Number(url.port),
      user: p.login,
      password: p.password,
      database: p.database,
    });
    await c.connect();
    try {
      await c.query('CREATE TABLE t (id int)');
      await c.query('INSERT INTO t VALUES (1)');
      return (await c.query('SELECT count(*)::int AS n FROM t')).rows[0].n as number;
    } finally {
      await c.end();
    }
  }
  const c = await mysql.createConnection({
    host: url.hostname,
    port: Number(url.port),
    user: p.login,
    password: p.password,
    database: p.database,
  });
  try {
    await c.query('CREATE TABLE t (id int)');
    await c.query('INSERT INTO t VALUES (1)');
    const [rows] = await c.query('SELECT count(*) AS n FROM t');
    return Number((rows as { n: number }[])[0]?.n);
  } finally {
    await c.end();
  }
}

const engines: [EngineName, () => string, boolean][] = [
  ['postgres', () => inject('pgUrl'), true],
  ['mysql', () => TEST_MYSQL_URL, hasMysql],
];

describe.each(engines)('engine admin: %s', (engine, url, available) => {
  let admin: EngineAdmin;
  const created: { dbs: string[]; logins: string[] } = { dbs: [], logins: [] };
  beforeAll(async () => {
    if (available) admin = await connectAdmin(engine, url());
  });
  afterAll(async () => {
    if (!available) return;
    for (const d of created.dbs) await admin.dropDatabase(d);
    for (const l of created.logins) await admin.dropLogin(l);
    await admin.close();
  });

  it.runIf(available)('creates a database and a login idempotently, and the login can use it', async () => {
    const db = `dbp_admin_${suffix}`;
    const login = `dbp_user_${suffix}`;
    created.dbs.push(db);
    created.logins.push(login);
    expect(await admin.createDatabase({ name: db })).toEqual({ created: true });
    expect(await admin.createDatabase({ name: db })).toEqual({ created: false });
    expect(await admin.putLogin({ name: login, password: 'first-Pass1' })).toEqual({ created: true });
    expect(await admin.putLogin({ name: login, password: 'second-Pass2' })).toEqual({ created: false });
    await admin.grantDatabase({ database: db, login });
    await admin.grantDatabase({ database: db, login });
    expect(await useAsLogin(engine, url(), { login, password: 'second-Pass2', database: db })).toBe(1);
    await expect(
      useAsLogin(engine, url(), { login, password: 'first-Pass1', database: db }),
    ).rejects.toThrow();
    expect(await admin.version()).toMatch(/^\d+\.\d+/);
  });

  it.runIf(available)('quotes hostile names instead of executing them', async () => {
    const hostile = [
      `x";DROP DATABASE postgres;--${suffix}`,
      `q'uote\`tick${suffix}`,
      `ünïcødé-${suffix}`,
      `semi;colon ${suffix}`,
    ];
    for (const name of hostile) {
      created.dbs.push(name);
      expect(await admin.createDatabase({ name })).toEqual({ created: true });
      expect(await admin.databaseExists(name)).toBe(true);
      created.logins.push(name);
      expect(await admin.putLogin({ name, password: `it's "quoted" \\ ${suffix}` })).toEqual({
        created: true,
      });
      expect(await admin.loginExists(name)).toBe(true);
      // reaching into the database by its name (PostgreSQL connects to it) works for these names too
      await admin.grantDatabase({ database: name, login: name });
    }
    expect(await admin.databaseExists(engine === 'postgres' ? 'postgres' : 'mysql')).toBe(true);
  });

  it.runIf(available)('drops what exists and reports what did not', async () => {
    const db = `dbp_drop_${suffix}`;
    await admin.createDatabase({ name: db });
    expect(await admin.dropDatabase(db)).toEqual({ dropped: true });
    expect(await admin.dropDatabase(db)).toEqual({ dropped: false });
    expect(await admin.dropLogin(`dbp_nobody_${suffix}`)).toEqual({ dropped: false });
  });
});
