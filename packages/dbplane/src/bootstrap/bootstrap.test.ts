import { randomBytes } from 'node:crypto';
import { strToU8, zipSync } from 'fflate';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventually, receiveOne } from '../test-support/bus.js';
import { mysqlAvailable, TEST_MYSQL_URL } from '../test-support/mysql.js';
import { useTestServer } from '../test-support/server.js';

/**
 * The bootstrap API end to end (slow: real servers): specs put over HTTP are
 * converged by the dbplane-bootstrap workflow that the built-in rules start,
 * with no other call. Roles and databases are cluster-global: random suffixes,
 * and afterAll drops them all.
 */
const sfx = randomBytes(4).toString('hex');
const n = (base: string) => `bh_${base}_${sfx}`;
const OWNER = n('owner');
const RW = n('rw');
const RO = n('ro');
const DB = n('db');
const INSTANCE = `bh-pg-${sfx}`;
const RO_PASSWORD = `ro'pass"${sfx}`;
const M_USER = n('mu');
const M_DB = n('mdb');
const hasMysql = await mysqlAvailable();
async function maria<T>(fn: (c: mysql.Connection) => Promise<T>): Promise<T> {
  const c = await mysql.createConnection({ uri: TEST_MYSQL_URL });
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}
/** The spec as YAML; `rwPrivileges` is what app_rw may do on every table of schema app. */
const specYaml = (rwPrivileges: string[]) => `
engine: postgres
roles:
  - name: ${OWNER}
  - name: ${RW}
    login: true
    password: { generate: true }
  - name: ${RO}
    login: true
    password: { secret: bh-ro-${sfx} }
databases:
  - name: ${DB}
    owner: ${OWNER}
    schemas: [ { name: app, owner: ${OWNER} } ]
    extensions: [ { name: pgcrypto } ]
grants:
  - { role: ${RW}, privileges: [CONNECT], on: { database: ${DB} } }
  - { role: ${RO}, privileges: [CONNECT], on: { database: ${DB} } }
  - { role: ${RW}, privileges: [USAGE], on: { database: ${DB}, schema: app } }
  - { role: ${RO}, privileges: [USAGE], on: { database: ${DB}, schema: app } }
  - role: ${RW}
    privileges: [${rwPrivileges.join(', ')}]
    on: { database: ${DB}, schema: app, tables: all }
  - { role: ${RO}, privileges: [SELECT], on: { database: ${DB}, schema: app, tables: all } }
prune: false
`;

const adminUrl = (database = 'postgres') => {
  const u = new URL(inject('pgUrl'));
  u.pathname = `/${database}`;
  return u.toString();
};
async function asAdmin<T>(database: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: adminUrl(database) });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}
async function login(user: string, password: string): Promise<pg.Client> {
  const u = new URL(inject('pgUrl'));
  const c = new pg.Client({ host: u.hostname, port: Number(u.port || 5432), user, password, database: DB });
  await c.connect();
  return c;
}
/** Whether `sql` is allowed for the client (a permission error is false; anything else throws). */
async function allowed(c: pg.Client, sql: string): Promise<boolean> {
  try {
    await c.query(sql);
    return true;
  } catch (err) {
    if ((err as { code?: string }).code === '42501') return false;
    throw err;
  }
}

describe('bootstrap API and workflow', () => {
  const server = useTestServer();
  const path = (rest = '') => `/v1/instances/${INSTANCE}/bootstrap${rest}`;
  const putYaml = (text: string) =>
    fetch(`${server.url}${path()}`, {
      method: 'PUT',
      headers: { 'x-api-key': server.adminKey, 'content-type': 'application/yaml' },
      body: text,
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
  /** Waits until the last verify (drift result) of `version` is converged, i.e. a run finished. */
  const converged = async (version: number, at = path) => {
    await expect
      .poll(
        async () => {
          const d = await server.call('GET', at('/drift'));
          const a = await server.call('GET', at('/apply'));
          if (a.status === 200 && a.body.status === 'failed') throw new Error(a.body.error);
          return d.status === 200 ? `${d.body.specVersion}:${d.body.status}` : d.body.error.code;
        },
        { timeout: 60_000, interval: 200 },
      )
      .toBe(`${version}:converged`);
    return (await server.call('GET', at('/apply'))).body;
  };
  const generatedPassword = async (role: string, instance = INSTANCE, secretRole = role) => {
    const v = await server.call(
      'GET',
      `/v1/secrets/${encodeURIComponent(`dbplane/bootstrap/${instance}/${secretRole}`)}/value`,
    );
    expect(v.status, JSON.stringify(v.body)).toBe(200);
    const value = JSON.parse(v.body.secretString);
    expect(value).toMatchObject({ username: role });
    return value.password as string;
  };
  const executionsOf = async (machine: string) =>
    (await server.call('GET', `/v1/state-machines/${machine}/executions?limit=100`)).body.executions as {
      executionArn: string;
      status: string;
    }[];
  const historyText = async (machine: string, arn: string) =>
    JSON.stringify(
      (await server.call('GET', `/v1/state-machines/${machine}/executions/${arn.split(':').at(-1)}/history`))
        .body,
    );

  beforeAll(async () => {
    const made = await server.call('POST', '/v1/instances', {
      name: INSTANCE,
      engine: 'postgres',
      provider: 'external',
      url: inject('pgUrl'),
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const secret = await server.call('POST', '/v1/secrets', {
      name: `bh-ro-${sfx}`,
      secretString: JSON.stringify({ username: RO, password: RO_PASSWORD }),
    });
    expect(secret.status, JSON.stringify(secret.body)).toBe(201);
  });

  afterAll(async () => {
    await asAdmin('postgres', async (c) => {
      await c.query(`DROP DATABASE IF EXISTS "${DB}" WITH (FORCE)`);
      for (const r of [RW, RO, OWNER]) await c.query(`DROP ROLE IF EXISTS "${r}"`);
    });
    if (!hasMysql) return;
    await maria(async (c) => {
      await c.query(`DROP USER IF EXISTS '${M_USER}'@'%'`);
      await c.query(`DROP DATABASE IF EXISTS \`${M_DB}\``);
      // only this file's rows: other files (and other instances) share the table of managed objects
      await c
        .query('DELETE FROM _dbplane.managed_objects WHERE name IN (?, ?)', [M_USER, M_DB])
        .catch(() => {});
    });
  }, 60_000);

  it('refuses an invalid spec with every problem and its path, and stores nothing', async () => {
    const bad = await server.call('PUT', path(), {
      engine: 'postgres',
      roles: [{ name: 'a', login: 'yes', colour: 'red' }, { name: 'a' }],
      grants: [
        { role: 'ghost', privileges: ['SELECT'], on: { database: 'nowhere', schema: 'x', tables: 'all' } },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('ValidationError');
    const paths = (bad.body.error.details.problems as { path: string }[]).map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['/roles/0/login', '/roles/0/colour']));
    expect(paths.length).toBeGreaterThanOrEqual(2);
    const yaml = await putYaml('engine: postgres\nroles: [ { name: x, login: maybe } ]\nextra: 1\n');
    expect(yaml.status).toBe(400);
    expect((yaml.body.error.details.problems as { path: string }[]).map((p) => p.path)).toEqual(
      expect.arrayContaining(['/roles/0/login', '/extra']),
    );
    const mysqlOnPg = await server.call('PUT', path(), { engine: 'mariadb' });
    expect(mysqlOnPg.status).toBe(400);
    expect(mysqlOnPg.body.error.details.problems[0].path).toBe('/engine');
    expect((await server.call('GET', path())).status).toBe(404);
    expect(
      (await server.call('PUT', '/v1/instances/no-such-instance/bootstrap', { engine: 'postgres' })).status,
    ).toBe(404);
    const schema = await server.call('GET', '/v1/bootstrap/schema', undefined, null);
    expect(schema.status).toBe(200);
    expect(schema.body.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('converges the instance through the workflow when a spec is put, and again when it changes', {
    timeout: 120_000,
  }, async () => {
    const put = await putYaml(specYaml(['SELECT', 'INSERT', 'UPDATE', 'DELETE']));
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toMatchObject({ instance: INSTANCE, version: 1, spec: { engine: 'postgres' } });
    const applied = await converged(1);
    expect(applied.status).toBe('applied');
    expect(applied.executionArn).toMatch(/:execution:dbplane-bootstrap:/);
    expect(applied.changes.map((c: { object: string }) => c.object)).toEqual(
      expect.arrayContaining([`role "${RW}"`, `database "${DB}"`]),
    );
    const plan = await server.call('POST', path('/plan'));
    expect(plan.status).toBe(200);
    expect(plan.body).toEqual({ specVersion: 1, changes: [], problems: [] });

    const rwPassword = await generatedPassword(RW);
    // a table the schema's owner makes after the apply: the default privileges of `tables: all` cover it
    await asAdmin(DB, (c) =>
      c.query(`SET ROLE "${OWNER}"; CREATE TABLE app.t (id int); INSERT INTO app.t VALUES (1); RESET ROLE`),
    );
    const rw = await login(RW, rwPassword);
    const ro = await login(RO, RO_PASSWORD);
    try {
      expect(await allowed(rw, 'INSERT INTO app.t VALUES (2)')).toBe(true);
      expect(await allowed(ro, 'SELECT * FROM app.t')).toBe(true);
      expect(await allowed(ro, 'INSERT INTO app.t VALUES (3)')).toBe(false);
      expect(await allowed(rw, 'CREATE TABLE app.mine (id int)')).toBe(false);
    } finally {
      await rw.end();
      await ro.end();
    }
    const history = await historyText('dbplane-bootstrap', applied.executionArn);
    expect(history).toContain('"Apply"');
    expect(history).not.toContain(rwPassword);
    expect(history).not.toContain(RO_PASSWORD);
    const audit = JSON.stringify((await server.call('GET', '/v1/audit?limit=100')).body);
    expect(audit).not.toContain(rwPassword);

    // INSERT leaves the spec: the next run revokes it
    const changed = await putYaml(specYaml(['SELECT', 'UPDATE', 'DELETE']));
    expect(changed.body.version).toBe(2);
    const second = await converged(2);
    expect(second.changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'revoke', sql: expect.stringMatching(/REVOKE INSERT/) }),
      ]),
    );
    expect(await generatedPassword(RW)).toBe(rwPassword);
    const again = await login(RW, rwPassword);
    try {
      expect(await allowed(again, 'INSERT INTO app.t VALUES (4)')).toBe(false);
      expect(await allowed(again, 'UPDATE app.t SET id = id')).toBe(true);
    } finally {
      await again.end();
    }
    expect((await server.call('POST', path('/plan'))).body.changes).toEqual([]);
    const runs = await executionsOf('dbplane-bootstrap');
    expect(runs.filter((r) => r.status === 'SUCCEEDED').length).toBeGreaterThanOrEqual(2);
  });

  it('shows a hand-made drift in the plan and in the drift check, and repairs it by apply', {
    timeout: 120_000,
  }, async () => {
    await server.call('POST', '/v1/queues', { name: 'drift-q' });
    const queueArn = (await server.call('GET', '/v1/queues/drift-q')).body.arn as string;
    const rule = await server.call('POST', '/v1/rules', {
      name: 'drift-to-queue',
      eventPattern: { source: ['dbplane.bootstrap'], 'detail-type': ['dbplane Bootstrap Drift Detected'] },
    });
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);
    await server.call('PUT', '/v1/rules/drift-to-queue/targets', { targets: [{ id: 'q', arn: queueArn }] });
    await asAdmin(DB, (c) => c.query(`GRANT TRUNCATE ON app.t TO "${RO}"`));
    const plan = await server.call('POST', path('/plan'));
    expect(plan.body.changes).toEqual([
      expect.objectContaining({ action: 'revoke', object: expect.stringContaining(RO) }),
    ]);
    const started = await server.call('POST', '/v1/state-machines/dbplane-bootstrap-drift/executions', {
      input: { instance: INSTANCE },
    });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    await expect
      .poll(async () => (await server.call('GET', path('/drift'))).body.status, { timeout: 30_000 })
      .toBe('changes');
    const drift = (await server.call('GET', path('/drift'))).body;
    expect(drift.executionArn).toBe(started.body.executionArn);
    expect(drift.changes[0].sql).toMatch(/REVOKE TRUNCATE/);
    const event = JSON.parse((await eventually(() => receiveOne(server, 'drift-q'), 20_000)).body);
    expect(event).toMatchObject({
      source: 'dbplane.bootstrap',
      resources: [expect.stringContaining(`:db:${INSTANCE}`)],
      detail: { instance: INSTANCE, count: 1, changes: [{ action: 'revoke' }] },
    });

    const apply = await server.call('POST', path('/apply'));
    expect(apply.status).toBe(202);
    expect(apply.body.executionArn).toMatch(/:execution:dbplane-bootstrap:/);
    const name = apply.body.executionArn.split(':').at(-1);
    await expect
      .poll(
        async () =>
          (await server.call('GET', `/v1/state-machines/dbplane-bootstrap/executions/${name}`)).body.status,
        { timeout: 60_000 },
      )
      .toBe('SUCCEEDED');
    expect((await server.call('POST', path('/plan'))).body.changes).toEqual([]);
    expect((await server.call('GET', path('/drift'))).body.status).toBe('converged');
    const truncate = await asAdmin(DB, (c) =>
      c.query(`SELECT has_table_privilege($1, 'app.t', 'TRUNCATE') AS ok`, [RO]),
    );
    expect(truncate.rows[0].ok).toBe(false);
  });

  it('converges again with no other call when a function named in triggers.functions is updated, or the instance is registered again', {
    timeout: 120_000,
  }, async () => {
    const fn = `bh-fn-${sfx}`;
    const code = Buffer.from(
      zipSync({ 'index.mjs': strToU8('export const handler = async () => ({ ok: true });') }),
    ).toString('base64');
    const made = await server.call('POST', '/v1/functions', {
      name: fn,
      handler: 'index.handler',
      code: { zipBase64: code },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const withTrigger = `${specYaml(['SELECT', 'UPDATE', 'DELETE'])}triggers: { functions: [${fn}] }\n`;
    expect((await putYaml(withTrigger)).body.version).toBe(3);
    await converged(3);
    const truncateAllowed = async () =>
      (await asAdmin(DB, (c) => c.query(`SELECT has_table_privilege($1, 'app.t', 'TRUNCATE') AS ok`, [RO])))
        .rows[0].ok as boolean;

    await asAdmin(DB, (c) => c.query(`GRANT TRUNCATE ON app.t TO "${RO}"`));
    expect(await truncateAllowed()).toBe(true);
    const updated = await server.call('PUT', `/v1/functions/${fn}/configuration`, { timeoutSeconds: 5 });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    await expect.poll(truncateAllowed, { timeout: 60_000, interval: 200 }).toBe(false);
    const fnRuns = await executionsOf('dbplane-bootstrap-function');
    expect(fnRuns.length).toBeGreaterThanOrEqual(1);

    await asAdmin(DB, (c) => c.query(`GRANT TRUNCATE ON app.t TO "${RO}"`));
    expect((await server.call('DELETE', `/v1/instances/${INSTANCE}`)).status).toBe(202);
    const again = await server.call('POST', '/v1/instances', {
      name: INSTANCE,
      engine: 'postgres',
      provider: 'external',
      url: inject('pgUrl'),
    });
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    await expect.poll(truncateAllowed, { timeout: 60_000, interval: 200 }).toBe(false);
  });

  it('retries a run while the instance cannot be reached, and carries on once it can', {
    timeout: 90_000,
  }, async () => {
    const secret = `/v1/secrets/${encodeURIComponent(`dbplane/instances/${INSTANCE}/admin`)}/value`;
    const good = (await server.call('GET', secret)).body.secretString as string;
    const bad = JSON.stringify({ ...JSON.parse(good), port: 1 });
    expect((await server.call('PUT', secret, { secretString: bad })).status).toBe(200);
    let arn = '';
    try {
      const apply = await server.call('POST', path('/apply'));
      expect(apply.status).toBe(202);
      arn = apply.body.executionArn;
      await expect
        .poll(() => historyText('dbplane-bootstrap', arn), { timeout: 30_000, interval: 200 })
        .toMatch(/TaskFailed.*Dbplane\.Transient|Dbplane\.Transient.*TaskFailed/);
    } finally {
      expect((await server.call('PUT', secret, { secretString: good })).status).toBe(200);
    }
    const name = arn.split(':').at(-1);
    await expect
      .poll(
        async () =>
          (await server.call('GET', `/v1/state-machines/dbplane-bootstrap/executions/${name}`)).body.status,
        { timeout: 60_000, interval: 250 },
      )
      .toBe('SUCCEEDED');
  });

  it('records a run that cannot apply the spec as failed, with its error, and fails the execution', {
    timeout: 60_000,
  }, async () => {
    const put = await server.call('PUT', path(), {
      engine: 'postgres',
      roles: [{ name: RW, login: true, password: { generate: true } }],
      databases: [{ name: DB, owner: OWNER, schemas: [{ name: 'app', owner: OWNER }] }],
      external: { roles: [OWNER] },
      grants: [
        { role: RW, privileges: ['SELECT'], on: { database: DB, schema: 'app', tables: ['missing'] } },
      ],
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    await expect
      .poll(async () => (await server.call('GET', path('/apply'))).body.status, { timeout: 30_000 })
      .toBe('failed');
    const failed = (await server.call('GET', path('/apply'))).body;
    expect(failed.error).toMatch(/^Dbplane\.SpecProblems: .*missing/);
    const name = failed.executionArn.split(':').at(-1);
    const describe = async () =>
      (await server.call('GET', `/v1/state-machines/dbplane-bootstrap/executions/${name}`)).body;
    // the failure is recorded by a Task just before the execution reaches its Fail state
    await expect.poll(async () => (await describe()).status, { timeout: 10_000 }).toBe('FAILED');
    expect(await describe()).toMatchObject({ status: 'FAILED', error: 'BootstrapFailed' });
    const history = await historyText('dbplane-bootstrap', failed.executionArn);
    expect(history).toContain('RecordFailure');
    expect(history).not.toContain(await generatedPassword(RW));
  });

  it('converges a MariaDB instance: the user logs in with its secret and has exactly its grants', {
    timeout: 120_000,
    skip: !hasMysql,
  }, async () => {
    const instance = `bh-maria-${sfx}`;
    const at = (rest = '') => `/v1/instances/${instance}/bootstrap${rest}`;
    const made = await server.call('POST', '/v1/instances', {
      name: instance,
      engine: 'mysql',
      provider: 'external',
      url: TEST_MYSQL_URL,
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const spec = {
      engine: 'mariadb',
      users: [{ name: M_USER, password: { generate: true } }],
      databases: [{ name: M_DB }],
      grants: [{ user: M_USER, privileges: ['SELECT', 'INSERT'], on: { database: M_DB } }],
    };
    const put = await server.call('PUT', at(), spec);
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    await converged(1, at);
    expect((await server.call('POST', at('/plan'))).body.changes).toEqual([]);
    await maria(async (c) => c.query(`CREATE TABLE \`${M_DB}\`.t (id int)`));
    const password = await generatedPassword(M_USER, instance, `${M_USER}@=25`);
    const u = new URL(TEST_MYSQL_URL);
    const user = await mysql.createConnection({
      host: u.hostname,
      port: Number(u.port || 3306),
      user: M_USER,
      password,
      database: M_DB,
    });
    try {
      await user.query('INSERT INTO t VALUES (1)');
      expect((await user.query('SELECT count(*) AS n FROM t'))[0]).toEqual([{ n: 1 }]);
      await expect(user.query('DELETE FROM t')).rejects.toThrow(/denied/);
    } finally {
      await user.end();
    }
  });
});
