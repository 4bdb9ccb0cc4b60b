import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../log/logger.js';
import { connectAdmin, type EngineName } from '../admin/index.js';
import { createLocalInstanceManager, defaultLaunchers } from './index.js';

/** One suite over both engines: the same supervision for PostgreSQL and MariaDB. */
describe.each<[EngineName]>([['postgres'], ['mysql']])('local instances: %s', (engine) => {
  const dirs: string[] = [];
  let manager: ReturnType<typeof createLocalInstanceManager> | undefined;
  afterAll(async () => {
    await manager?.stopAll();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('starts, restarts a server that died with its data, stops and removes it', {
    timeout: 180_000,
  }, async () => {
    const baseDir = await mkdtemp(join(tmpdir(), 'dbplane-local-'));
    dirs.push(baseDir);
    manager = createLocalInstanceManager({
      baseDir,
      launchers: defaultLaunchers(),
      log: createLogger({ level: 'silent' }),
      healthEveryMs: 60_000,
    });
    const server = await manager.start('i-1', engine);
    expect(manager.status('i-1')).toMatchObject({ state: 'running', port: server.port, restarts: 0 });
    expect(await manager.start('i-1', engine)).toBe(server);
    const admin = await connectAdmin(engine, server.adminUrl);
    await admin.createDatabase({ name: 'kept' });
    await admin.close();

    await server.stop(); // the server dies behind the manager's back
    await manager.check();
    const status = manager.status('i-1');
    expect(status).toMatchObject({ state: 'running', restarts: 1 });
    const restarted = await manager.start('i-1', engine);
    const admin2 = await connectAdmin(engine, restarted.adminUrl);
    expect(await admin2.databaseExists('kept')).toBe(true);
    await admin2.close();

    await manager.stop('i-1');
    expect(manager.status('i-1').state).toBe('stopped');
    await expect(connectAdmin(engine, restarted.adminUrl)).rejects.toThrow();
    await manager.remove('i-1');
    await expect(stat(join(baseDir, 'i-1'))).rejects.toThrow();
  });
});
