import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { connectAdmin } from '../engines/admin/index.js';
import { useTestDatabase } from '../test-support/database.js';
import { adminClient, type NodeProcess, removeDir, startNodeProcess } from '../test-support/node-process.js';

const REQUESTS = 6;

/**
 * Chaos: `dbplane up` is killed with SIGKILL while it provisions databases
 * (on a registered PostgreSQL and on a dedicated local instance), then
 * started again on the same store and data directory. Every database ends
 * available (and usable) or failed with nothing left behind on the server.
 */
describe('provisioning under kill -9', () => {
  const store = useTestDatabase({ migrated: false });
  let node: NodeProcess | undefined;
  let dataDir: string | undefined;
  afterAll(async () => {
    await node?.kill();
    if (dataDir !== undefined) await removeDir(dataDir);
  });

  it('ends every request available or cleanly failed, never half made', { timeout: 240_000 }, async () => {
    node = await startNodeProcess({ databaseUrl: store.url, env: { DBPLANE_TASK_LEASE_MS: '2000' } });
    dataDir = node.dataDir;
    const call = await adminClient(() => node?.url ?? '', dataDir);
    const suffix = randomBytes(3).toString('hex');
    const instance = `pg-${suffix}`;
    expect(
      (
        await call('POST', '/v1/instances', {
          name: instance,
          engine: 'postgres',
          provider: 'external',
          url: inject('pgUrl'),
        })
      ).status,
    ).toBe(201);
    const names = Array.from({ length: REQUESTS }, (_, i) => `crash_${suffix}_${i}`);
    for (const name of names)
      expect((await call('POST', '/v1/databases', { name, engine: 'postgres', instance })).status).toBe(202);
    const solo = `crash_${suffix}_solo`;
    expect(
      (await call('POST', '/v1/databases', { name: solo, engine: 'postgres', dedicated: true })).status,
    ).toBe(202);
    names.push(solo);

    for (const delayMs of [150, 600]) {
      await new Promise((r) => setTimeout(r, delayMs));
      await node.kill('SIGKILL');
      node = await startNodeProcess({
        databaseUrl: store.url,
        dataDir,
        env: { DBPLANE_TASK_LEASE_MS: '2000' },
      });
    }

    const settled = async (name: string) => {
      await expect
        .poll(async () => (await call('GET', `/v1/databases/${name}`)).body.status, {
          timeout: 120_000,
          interval: 200,
        })
        .toMatch(/^(available|failed)$/);
      return (await call('GET', `/v1/databases/${name}`)).body;
    };
    const admin = await connectAdmin('postgres', inject('pgUrl'));
    try {
      for (const name of names) {
        const db = await settled(name);
        if (db.status === 'failed') {
          if (!db.dedicated) {
            expect(await admin.databaseExists(name), `${name} failed but its database remains`).toBe(false);
            expect(await admin.loginExists(name), `${name} failed but its login remains`).toBe(false);
          }
          continue;
        }
        const secret = await call(
          'GET',
          `/v1/secrets/${encodeURIComponent(`dbplane/databases/${name}`)}/value`,
        );
        const c = JSON.parse(secret.body.secretString);
        const client = new pg.Client({
          host: c.host,
          port: c.port,
          user: c.username,
          password: c.password,
          database: c.dbname,
        });
        await client.connect();
        await client.query('CREATE TABLE proof (id int)');
        await client.end();
      }
      const available = (
        await Promise.all(names.map(async (n) => (await call('GET', `/v1/databases/${n}`)).body.status))
      ).filter((s) => s === 'available');
      expect(available.length).toBeGreaterThan(0);
      for (const name of names) expect((await call('DELETE', `/v1/databases/${name}`)).status).toBe(202);
      for (const name of names)
        await expect
          .poll(async () => (await call('GET', `/v1/databases/${name}`)).status, { timeout: 60_000 })
          .toBe(404);
      for (const name of names.filter((n) => n !== solo)) {
        expect(await admin.databaseExists(name)).toBe(false);
        expect(await admin.loginExists(name)).toBe(false);
      }
    } finally {
      await admin.close();
    }
    expect((await call('GET', `/v1/instances/${solo}-dedicated`)).status).toBe(404);
    await call('DELETE', `/v1/instances/${instance}`);
  });
});
