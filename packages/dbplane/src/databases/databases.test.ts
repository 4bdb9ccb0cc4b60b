import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { connectAdmin } from '../engines/admin/index.js';
import { TEST_MYSQL_URL } from '../test-support/mysql.js';
import { useTestServer } from '../test-support/server.js';

const unique = (prefix: string) => `${prefix}_${randomBytes(4).toString('hex')}`;

describe('self-service databases', () => {
  const server = useTestServer();
  const waitFor = async (name: string, status: string) => {
    await expect
      .poll(async () => (await server.call('GET', `/v1/databases/${name}`)).body.status, {
        timeout: 90_000,
        interval: 100,
      })
      .toBe(status);
    return (await server.call('GET', `/v1/databases/${name}`)).body;
  };
  const gone = (name: string) =>
    expect
      .poll(async () => (await server.call('GET', `/v1/databases/${name}`)).status, { timeout: 60_000 })
      .toBe(404);
  const credentials = async (name: string) => {
    const v = await server.call(
      'GET',
      `/v1/secrets/${encodeURIComponent(`dbplane/databases/${name}`)}/value`,
    );
    expect(v.status, JSON.stringify(v.body)).toBe(200);
    return JSON.parse(v.body.secretString);
  };
  const pgClient = async (c: {
    host: string;
    port: number;
    username: string;
    password: string;
    dbname: string;
  }) => {
    const client = new pg.Client({
      host: c.host,
      port: c.port,
      user: c.username,
      password: c.password,
      database: c.dbname,
    });
    await client.connect();
    return client;
  };

  it('provisions a PostgreSQL database on the default environment, usable with its secret', {
    timeout: 120_000,
  }, async () => {
    const name = unique('orders');
    const res = await server.call('POST', '/v1/databases', { name, engine: 'postgres' });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body).toMatchObject({ name, engine: 'postgres', environment: 'default', status: 'creating' });
    expect(res.body.arn).toBe(`arn:dbplane:rds:local-1:000000000000:database:${name}`);
    const db = await waitFor(name, 'available');
    expect(db.instance).toBe('default-postgres');
    expect(db.executionArn).toMatch(/:execution:dbplane-provision-database:/);
    expect(db.secretArn).toMatch(/:secret:dbplane\/databases\//);
    const creds = await credentials(name);
    expect(creds).toMatchObject({
      engine: 'postgres',
      host: db.endpoint.host,
      port: db.endpoint.port,
      username: name,
      dbname: name,
    });
    const client = await pgClient(creds);
    await client.query('CREATE TABLE t (id int PRIMARY KEY)');
    await client.query('INSERT INTO t VALUES (1)');
    expect((await client.query('SELECT count(*)::int AS n FROM t')).rows[0].n).toBe(1);
    await client.end();
    const instance = (await server.call('GET', '/v1/instances/default-postgres')).body;
    expect(instance).toMatchObject({ provider: 'local', status: 'available' });
    const history = await server.call(
      'GET',
      `/v1/state-machines/dbplane-provision-database/executions/${db.executionArn.split(':').at(-1)}/history`,
    );
    expect(JSON.stringify(history.body)).not.toContain(creds.password);

    expect((await server.call('DELETE', `/v1/databases/${name}`)).status).toBe(202);
    await gone(name);
    await expect(pgClient(creds)).rejects.toThrow();
    const secret = await server.call('GET', `/v1/secrets/${encodeURIComponent(`dbplane/databases/${name}`)}`);
    expect(secret.body.deletedDate).toBeDefined();
  });

  it('provisions a MariaDB database on a registered instance', { timeout: 60_000 }, async () => {
    const instance = unique('maria').replaceAll('_', '-');
    const made = await server.call('POST', '/v1/instances', {
      name: instance,
      engine: 'mysql',
      provider: 'external',
      url: TEST_MYSQL_URL,
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const name = unique('shop');
    expect((await server.call('POST', '/v1/databases', { name, engine: 'mysql', instance })).status).toBe(
      202,
    );
    const db = await waitFor(name, 'available');
    expect(db.instance).toBe(instance);
    const creds = await credentials(name);
    const conn = await mysql.createConnection({
      host: creds.host,
      port: creds.port,
      user: creds.username,
      password: creds.password,
      database: creds.dbname,
    });
    await conn.query('CREATE TABLE t (id int PRIMARY KEY)');
    await conn.query('INSERT INTO t VALUES (1)');
    await conn.end();
    const busy = await server.call('DELETE', `/v1/instances/${instance}`);
    expect(busy.status).toBe(409);
    expect(busy.body.error.message).toMatch(/still holds 1 database/);
    expect((await server.call('DELETE', `/v1/databases/${name}`)).status).toBe(202);
    await gone(name);
    const root = await connectAdmin('mysql', TEST_MYSQL_URL);
    expect(await root.databaseExists(name)).toBe(false);
    expect(await root.loginExists(name)).toBe(false);
    await root.close();
    await server.call('DELETE', `/v1/instances/${instance}`);
  });

  it('places a MySQL request on a local MariaDB instance out of the box', { timeout: 120_000 }, async () => {
    const name = unique('cart');
    expect((await server.call('POST', '/v1/databases', { name, engine: 'mysql' })).status).toBe(202);
    const db = await waitFor(name, 'available');
    expect(db.instance).toBe('default-mysql');
    expect((await server.call('GET', '/v1/instances/default-mysql')).body).toMatchObject({
      provider: 'local',
      engine: 'mysql',
    });
    const creds = await credentials(name);
    const conn = await mysql.createConnection({
      host: creds.host,
      port: creds.port,
      user: creds.username,
      password: creds.password,
      database: creds.dbname,
    });
    await conn.query('CREATE TABLE t (id int PRIMARY KEY)');
    await conn.end();
    expect((await server.call('DELETE', `/v1/databases/${name}`)).status).toBe(202);
    await gone(name);
  });

  it('answers the same request with the same database, and a different one with 409', async () => {
    const instance = unique('pg').replaceAll('_', '-');
    await server.call('POST', '/v1/instances', {
      name: instance,
      engine: 'postgres',
      provider: 'external',
      url: inject('pgUrl'),
    });
    const name = unique('same');
    const first = await server.call('POST', '/v1/databases', {
      name,
      engine: 'postgres',
      instance,
      ttl: '2h',
    });
    const again = await server.call('POST', '/v1/databases', {
      name,
      engine: 'postgres',
      instance,
      ttl: '2h',
    });
    expect(again.status).toBe(202);
    expect(again.body.arn).toBe(first.body.arn);
    const other = await server.call('POST', '/v1/databases', {
      name,
      engine: 'postgres',
      instance,
      ttl: '3h',
    });
    expect(other.status).toBe(409);
    await waitFor(name, 'available');
    const runs = await server.call('GET', '/v1/state-machines/dbplane-provision-database/executions');
    const inputs = await Promise.all(
      runs.body.executions.map(
        async (e: { name: string }) =>
          (await server.call('GET', `/v1/state-machines/dbplane-provision-database/executions/${e.name}`))
            .body.input,
      ),
    );
    expect(inputs.filter((input) => input.database === name)).toHaveLength(1);
    const audit = await server.call('GET', `/v1/audit?action=CreateDatabase&limit=100`);
    const accepted = audit.body.records.filter(
      (r: { resourceArn: string; responseElements?: { newRequest?: boolean } }) =>
        r.resourceArn === first.body.arn,
    );
    expect(
      accepted
        .map((r: { responseElements: { newRequest: boolean } }) => r.responseElements.newRequest)
        .sort(),
    ).toEqual([false, true]);
    await server.call('DELETE', `/v1/databases/${name}`);
    await gone(name);
    await server.call('DELETE', `/v1/instances/${instance}`);
  });

  it('refuses hostile names naming /name, and stores nothing', async () => {
    for (const name of [
      'x"; DROP DATABASE postgres; --',
      "o'reilly",
      'café',
      'Upper',
      '1abc',
      'a'.repeat(33),
      'a b',
    ]) {
      const res = await server.call('POST', '/v1/databases', { name, engine: 'postgres' });
      expect(res.status, name).toBe(400);
      expect(res.body.error.details.problems[0].path).toBe('/name');
    }
    expect((await server.call('GET', '/v1/databases')).body.databases).toEqual([]);
  });

  it('enforces the rules of an environment, naming them', async () => {
    const env = await server.call('POST', '/v1/environments', {
      name: 'qa',
      engines: ['postgres'],
      maxTtlSeconds: 3600,
      namePattern: '^qa_',
      allowDedicated: false,
    });
    expect(env.status, JSON.stringify(env.body)).toBe(201);
    const ask = (body: object) =>
      server.call('POST', '/v1/databases', { environment: 'qa', engine: 'postgres', ttl: 600, ...body });
    const mysqlRes = await ask({ name: 'qa_one', engine: 'mysql' });
    expect(mysqlRes.status).toBe(403);
    expect(mysqlRes.body.error.message).toMatch(/rule: engines/);
    const dedicated = await ask({ name: 'qa_one', dedicated: true });
    expect(dedicated.status).toBe(403);
    expect(dedicated.body.error.message).toMatch(/allowDedicated/);
    const long = await ask({ name: 'qa_one', ttl: 7200 });
    expect(long.status).toBe(400);
    expect(long.body.error.details.problems).toEqual([expect.objectContaining({ path: '/ttl' })]);
    const noTtl = await server.call('POST', '/v1/databases', {
      environment: 'qa',
      engine: 'postgres',
      name: 'qa_two',
    });
    expect(noTtl.body.error.details.problems[0].path).toBe('/ttl');
    const badName = await ask({ name: 'prod_one' });
    expect(badName.body.error.details.problems[0]).toMatchObject({ path: '/name' });
    expect(
      (await server.call('POST', '/v1/environments', { name: 'bad', namePattern: '(' })).body.error.details
        .problems[0].path,
    ).toBe('/namePattern');
    expect((await server.call('GET', '/v1/databases')).body.databases).toEqual([]);
    expect((await server.call('DELETE', '/v1/environments/qa')).status).toBe(200);
  });

  it('drops an expired database through the expiry workflow and schedules its secret for deletion', {
    timeout: 60_000,
  }, async () => {
    const instance = unique('pg').replaceAll('_', '-');
    await server.call('POST', '/v1/instances', {
      name: instance,
      engine: 'postgres',
      provider: 'external',
      url: inject('pgUrl'),
    });
    const name = unique('brief');
    await server.call('POST', '/v1/databases', { name, engine: 'postgres', instance, ttl: 120 });
    const db = await waitFor(name, 'available');
    expect(Date.parse(db.expiresAt) - Date.now()).toBeGreaterThan(60_000);
    const extended = await server.call('POST', `/v1/databases/${name}/extend`, { ttl: '1d' });
    expect(Date.parse(extended.body.expiresAt) - Date.now()).toBeGreaterThan(86_000_000);
    // time passes: the TTL runs out
    await server.pool.query("UPDATE databases SET expires_at = now() - interval '1 second' WHERE name = $1", [
      name,
    ]);
    const rule = await server.call('GET', '/v1/rules/dbplane-expire-databases');
    expect(rule.body.scheduleExpression).toBe('rate(1 minute)');
    const run = await server.call('POST', '/v1/state-machines/dbplane-expire-databases/executions', {
      input: {},
    });
    expect(run.status).toBe(201);
    await gone(name);
    const admin = await connectAdmin('postgres', inject('pgUrl'));
    expect(await admin.databaseExists(name)).toBe(false);
    expect(await admin.loginExists(name)).toBe(false);
    await admin.close();
    const secret = await server.call('GET', `/v1/secrets/${encodeURIComponent(`dbplane/databases/${name}`)}`);
    expect(secret.body.deletionDate).toBeDefined();
    await server.call('DELETE', `/v1/instances/${instance}`);
  });

  it('gives a dedicated database a local instance of its own, which survives stop and start and goes with it', {
    timeout: 180_000,
  }, async () => {
    const name = unique('solo');
    expect(
      (await server.call('POST', '/v1/databases', { name, engine: 'postgres', dedicated: true })).status,
    ).toBe(202);
    const db = await waitFor(name, 'available');
    expect(db.instance).toBe(`${name}-dedicated`);
    const creds = await credentials(name);
    const c1 = await pgClient(creds);
    await c1.query('CREATE TABLE kept (id int)');
    await c1.end();
    const inst = `/v1/instances/${name}-dedicated`;
    expect((await server.call('POST', `${inst}/stop`)).status).toBe(202);
    await expect
      .poll(async () => (await server.call('GET', inst)).body.status, { timeout: 60_000 })
      .toBe('stopped');
    await expect(pgClient(creds)).rejects.toThrow();
    expect((await server.call('POST', `${inst}/start`)).status).toBe(202);
    await expect
      .poll(async () => (await server.call('GET', inst)).body.status, { timeout: 60_000 })
      .toBe('available');
    const c2 = await pgClient(creds);
    expect((await c2.query("SELECT to_regclass('kept') IS NOT NULL AS ok")).rows[0].ok).toBe(true);
    await c2.end();
    expect((await server.call('DELETE', `/v1/databases/${name}`)).status).toBe(202);
    await gone(name);
    expect((await server.call('GET', inst)).status).toBe(404);
  });
});
