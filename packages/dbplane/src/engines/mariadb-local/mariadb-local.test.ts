import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';
import { locateMariadbBinaries, startLocalMariadb } from './index.js';

describe('a local MariaDB server owned by dbplane', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('initialises, keeps data across a restart and a kill -9, and stops', { timeout: 180_000 }, async () => {
    const binaries = await locateMariadbBinaries();
    expect(binaries.version).toMatch(/^\d+\.\d+/);
    const base = await mkdtemp(join(tmpdir(), 'dbplane-mariadb-'));
    dirs.push(base);
    const dataDir = join(base, 'data');
    const first = await startLocalMariadb({ dataDir, binaries });
    expect(first.rootPassword.length).toBeGreaterThanOrEqual(20);
    const c1 = await mysql.createConnection({ uri: first.url });
    await c1.query('CREATE DATABASE kept');
    await c1.end();
    await expect(
      mysql.createConnection({ host: first.host, port: first.port, user: 'root', password: '' }),
    ).rejects.toThrow();
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));

    const second = await startLocalMariadb({ dataDir, binaries });
    expect(second.rootPassword).toBe(first.rootPassword);
    const c2 = await mysql.createConnection({ uri: second.url });
    const [rows] = await c2.query("SHOW DATABASES LIKE 'kept'");
    expect(rows).toHaveLength(1);
    await c2.end();
    await second.stop();
    expect(second.child.exitCode !== null || second.child.signalCode !== null).toBe(true);
  });
});
