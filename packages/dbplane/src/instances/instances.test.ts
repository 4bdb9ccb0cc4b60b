import { describe, expect, inject, it } from 'vitest';
import { connectAdmin } from '../engines/admin/index.js';
import { TEST_MYSQL_URL } from '../test-support/mysql.js';
import { useTestServer } from '../test-support/server.js';

describe('instances', () => {
  const server = useTestServer();
  const waitFor = async (name: string, status: string) => {
    await expect
      .poll(async () => (await server.call('GET', `/v1/instances/${name}`)).body.status, {
        timeout: 60_000,
        interval: 200,
      })
      .toBe(status);
    return (await server.call('GET', `/v1/instances/${name}`)).body;
  };
  const secretValue = async (arn: string) => {
    const name = arn.split(':secret:')[1]?.replace(/-[A-Za-z0-9]{6}$/, '') ?? '';
    return JSON.parse(
      (await server.call('GET', `/v1/secrets/${encodeURIComponent(name)}/value`)).body.secretString,
    );
  };

  it('registers external PostgreSQL and MariaDB servers, keeping their credentials only in a secret', async () => {
    for (const [name, engine, url] of [
      ['ext-pg', 'postgres', inject('pgUrl')],
      ['ext-maria', 'mysql', TEST_MYSQL_URL],
    ] as const) {
      const res = await server.call('POST', '/v1/instances', { name, engine, provider: 'external', url });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body).toMatchObject({
        name,
        engine,
        provider: 'external',
        status: 'available',
        endpoint: { host: '127.0.0.1' },
      });
      expect(res.body.arn).toBe(`arn:dbplane:rds:local-1:000000000000:db:${name}`);
      expect(res.body.version).toMatch(/^\d+\.\d+/);
      const creds = await secretValue(res.body.adminSecretArn);
      expect(creds).toMatchObject({ engine, host: '127.0.0.1', port: res.body.endpoint.port });
      const row = await server.pool.query(
        'SELECT row_to_json(i)::text AS j FROM instances i WHERE name = $1',
        [name],
      );
      expect(row.rows[0].j).not.toContain('://');
    }
  });

  it('refuses a bad or unreachable URL naming /url, and changes nothing', async () => {
    const before = (await server.call('GET', '/v1/instances')).body.instances.length;
    const scheme = await server.call('POST', '/v1/instances', {
      name: 'x1',
      engine: 'postgres',
      provider: 'external',
      url: 'mysql://root@127.0.0.1',
    });
    expect(scheme.status).toBe(400);
    expect(scheme.body.error.details.problems[0].path).toBe('/url');
    const down = await server.call('POST', '/v1/instances', {
      name: 'x2',
      engine: 'postgres',
      provider: 'external',
      url: 'postgres://postgres@127.0.0.1:9/postgres',
    });
    expect(down.status).toBe(400);
    expect(down.body.error.details.problems[0].message).toMatch(/cannot connect/);
    const noUrl = await server.call('POST', '/v1/instances', {
      name: 'x3',
      engine: 'mysql',
      provider: 'external',
    });
    expect(noUrl.body.error.details.problems[0]).toEqual({
      path: '/url',
      message: 'is required for an external instance',
    });
    expect((await server.call('GET', '/v1/instances')).body.instances.length).toBe(before);
  });

  it('creates a local PostgreSQL instance, stops, starts and deletes it through its workflow', {
    timeout: 120_000,
  }, async () => {
    await server.call('POST', '/v1/queues', { name: 'rds-events' });
    const queueArn = (await server.call('GET', '/v1/queues/rds-events')).body.arn;
    await server.call('POST', '/v1/rules', {
      name: 'rds-events',
      eventPattern: {
        source: ['aws.rds'],
        'detail-type': ['RDS DB Instance Event'],
        detail: { SourceIdentifier: ['mine'] },
      },
    });
    await server.call('PUT', '/v1/rules/rds-events/targets', { targets: [{ id: 'q', arn: queueArn }] });
    const created = await server.call('POST', '/v1/instances', {
      name: 'mine',
      engine: 'postgres',
      provider: 'local',
      deletionProtection: false,
    });
    expect(created.status).toBe(202);
    expect(created.body.status).toBe('creating');
    expect(created.body.executionArn).toMatch(/execution:dbplane-local-instance:create-mine-/);
    const available = await waitFor('mine', 'available');
    const creds = await secretValue(available.adminSecretArn);
    const url = `postgres://${creds.username}:${encodeURIComponent(creds.password)}@${creds.host}:${creds.port}/postgres`;
    const admin = await connectAdmin('postgres', url);
    await admin.createDatabase({ name: 'made_here' });
    await admin.close();
    expect((await server.call('POST', '/v1/instances/mine/stop')).status).toBe(202);
    await waitFor('mine', 'stopped');
    await expect(connectAdmin('postgres', url)).rejects.toThrow();
    expect((await server.call('POST', '/v1/instances/mine/stop')).status).toBe(409);
    await server.call('POST', '/v1/instances/mine/start');
    await waitFor('mine', 'available');
    const again = await connectAdmin('postgres', url);
    expect(await again.databaseExists('made_here')).toBe(true);
    await again.close();
    expect((await server.call('DELETE', '/v1/instances/mine')).status).toBe(202);
    await expect
      .poll(async () => (await server.call('GET', '/v1/instances/mine')).status, { timeout: 60_000 })
      .toBe(404);
    const statuses: string[] = [];
    await expect
      .poll(
        async () => {
          const got = await server.call('POST', '/v1/queues/rds-events/messages/receive', {
            max: 10,
            waitSeconds: 0,
          });
          for (const m of got.body.messages ?? []) statuses.push(JSON.parse(m.body).detail.status);
          return statuses.at(-1);
        },
        { timeout: 20_000 },
      )
      .toBe('deleted');
    expect(statuses).toEqual([
      'creating',
      'available',
      'stopping',
      'stopped',
      'starting',
      'available',
      'deleting',
      'deleted',
    ]);
    const machine = (await server.call('GET', '/v1/state-machines/dbplane-local-instance')).body;
    expect(machine.builtin).toBe(true);
    expect(
      (await server.call('PATCH', '/v1/state-machines/dbplane-local-instance', { description: 'mine' }))
        .status,
    ).toBe(409);
  });

  it('honours deletion protection', async () => {
    await server.call('POST', '/v1/instances', {
      name: 'kept',
      engine: 'postgres',
      provider: 'external',
      url: inject('pgUrl'),
      deletionProtection: true,
    });
    const res = await server.call('DELETE', '/v1/instances/kept');
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/deletion protection/);
  });
});
