import { afterAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../../test-support/cli.js';
import { mysqlAvailable, TEST_MYSQL_URL } from '../../test-support/mysql.js';
import { useTestServer } from '../../test-support/server.js';
import { createFixture, type Fixture } from './testing.js';

const hasMysql = await mysqlAvailable();

/** RotateSecret through the API and the CLI, against real PostgreSQL and MariaDB logins. */
describe('POST /v1/secrets/{name}/rotate', () => {
  const server = useTestServer();
  const fixtures: Fixture[] = [];
  afterAll(async () => {
    for (const f of fixtures) await f.drop();
  });
  const path = (name: string, rest = '') => `/v1/secrets/${encodeURIComponent(name)}${rest}`;
  const execution = (name: string) => `/v1/state-machines/dbplane-rotate-secret/executions/${name}`;

  const engines = [
    ['postgres', true],
    ['mysql', hasMysql],
  ] as const;
  for (const [engine, available] of engines) {
    it.runIf(available)(`rotates a ${engine} login: new password works, old one does not`, async () => {
      const f = await createFixture(engine, engine === 'postgres' ? inject('pgUrl') : TEST_MYSQL_URL);
      fixtures.push(f);
      const name = `rds/${f.credentials.username}`;
      const made = await server.call('POST', '/v1/secrets', {
        name,
        secretString: JSON.stringify(f.credentials),
      });
      expect(made.status).toBe(201);
      const token = crypto.randomUUID();
      const body = { rotationRules: { automaticallyAfterDays: 7 }, clientRequestToken: token };
      const r = await server.call('POST', path(name, '/rotate'), body);
      expect(r.status, JSON.stringify(r.body)).toBe(202);
      expect(r.body).toMatchObject({ arn: made.body.arn, name, versionId: token });
      await expect
        .poll(async () => (await server.call('GET', execution(token))).body.status, { timeout: 60_000 })
        .toBe('SUCCEEDED');

      const current = JSON.parse((await server.call('GET', path(name, '/value'))).body.secretString);
      expect(await f.accepts(current.password)).toBe(true);
      expect(await f.accepts(f.credentials.password)).toBe(false);
      const previous = await server.call('GET', path(name, '/value?versionStage=AWSPREVIOUS'));
      expect(JSON.parse(previous.body.secretString).password).toBe(f.credentials.password);

      const d = (await server.call('GET', path(name))).body;
      expect(d).toMatchObject({
        rotationEnabled: true,
        rotationRules: { automaticallyAfterDays: 7 },
        lastRotatedDate: expect.any(String),
        nextRotationDate: expect.any(String),
        versionIdsToStages: { [token]: ['AWSCURRENT'], [made.body.versionId]: ['AWSPREVIOUS'] },
      });

      const again = await server.call('POST', path(name, '/rotate'), body);
      expect(again.body.executionArn).toBe(r.body.executionArn);

      const history = JSON.stringify(
        (await server.call('GET', `${execution(token)}/history?limit=1000&includeExecutionData=true`)).body,
      );
      const audit = JSON.stringify((await server.pool.query('SELECT * FROM audit_records')).rows);
      for (const text of [history, audit]) {
        expect(text).not.toContain(current.password);
        expect(text).not.toContain(f.credentials.password);
      }
      expect(audit).toContain('RotateSecret');

      const cancelled = await server.call('POST', path(name, '/cancel-rotation'));
      expect(cancelled.status).toBe(200);
      expect((await server.call('GET', path(name))).body.rotationEnabled).toBe(false);
    });
  }

  it('answers 400 for bad rules and 404 for a missing secret', async () => {
    await server.call('POST', '/v1/secrets', { name: 'plain', secretString: '{}' });
    const both = await server.call('POST', path('plain', '/rotate'), {
      rotationRules: { automaticallyAfterDays: 3, scheduleExpression: 'rate(3 days)' },
    });
    expect(both.status).toBe(400);
    expect(both.body.error.details.problems[0].path).toBe('/rotationRules');
    const cron = await server.call('POST', path('plain', '/rotate'), {
      rotationRules: { scheduleExpression: 'cron(nope)' },
    });
    expect(cron.status).toBe(400);
    expect((await server.call('POST', path('missing', '/rotate'), {})).status).toBe(404);
  });

  it('rotates from the CLI and waits for the end', async () => {
    const f = await createFixture('postgres', inject('pgUrl'));
    fixtures.push(f);
    const name = `cli/${f.credentials.username}`;
    await server.call('POST', '/v1/secrets', { name, secretString: JSON.stringify(f.credentials) });
    const env = { DBPLANE_ENDPOINT: server.url, DBPLANE_API_KEY: server.adminKey };
    const r = await runCli(['--output', 'json', 'secrets', 'rotate', name, '--wait'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ name, status: 'SUCCEEDED', versionId: expect.any(String) });
    expect(r.stdout + r.stderr).not.toContain(f.credentials.password);
    const current = JSON.parse((await server.call('GET', path(name, '/value'))).body.secretString);
    expect(await f.accepts(current.password)).toBe(true);
    expect(await f.accepts(f.credentials.password)).toBe(false);
  });

  it('is refused to viewer keys', async () => {
    const key = await server.call('POST', '/v1/api-keys', { name: 'rot-viewer', role: 'viewer' });
    const res = await server.call('POST', path('plain', '/rotate'), {}, key.body.secret);
    expect(res.status).toBe(403);
  });
});
