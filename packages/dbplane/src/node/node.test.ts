import { mkdtemp, rm, stat } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/index.js';
import { createLogger } from '../log/logger.js';
import { useTestDatabase } from '../test-support/database.js';
import { readAdminKey } from './admin-key.js';
import { BUILTIN_MACHINES } from './builtins.js';
import { startNode } from './node.js';

/** Every state machine of the default account, as listed (paged through). */
async function builtinMachines(url: string, key: string): Promise<{ name: string; builtin: boolean }[]> {
  const res = await fetch(`${url}/v1/state-machines?limit=100`, { headers: { 'x-api-key': key } });
  expect(res.status).toBe(200);
  const body = (await res.json()) as {
    stateMachines: { name: string; builtin: boolean }[];
    nextToken?: string;
  };
  expect(body.nextToken).toBeUndefined();
  return body.stateMachines;
}

describe('a node on an external store', () => {
  const db = useTestDatabase({ migrated: false });
  const dirs: string[] = [];
  let adminKey = '';
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });
  const start = async (dataDir: string) => {
    const config = loadConfig({ flags: { dataDir, port: 0, databaseUrl: db.url } });
    return startNode(config, createLogger({ level: 'silent' }));
  };

  let machines: { name: string; builtin: boolean }[] = [];
  it('migrates, creates the admin key once with mode 0600, installs the built-in machines, and keeps both across restarts', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'dbplane-node-'));
    dirs.push(dataDir);
    const first = await start(dataDir);
    try {
      expect(first.firstAdminKey?.file).toBe(join(dataDir, 'admin.key'));
      expect((await stat(join(dataDir, 'admin.key'))).mode & 0o777).toBe(0o600);
      expect(await readAdminKey(dataDir)).toBe(first.firstAdminKey?.key);
      adminKey = first.firstAdminKey?.key ?? '';
      const res = await fetch(`${first.url}/v1/api-keys`, {
        headers: { 'x-api-key': first.firstAdminKey?.key ?? '' },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-request-id')).toBeTruthy();
      machines = await builtinMachines(first.url, adminKey);
      expect(machines.map((m) => m.name).sort()).toEqual(BUILTIN_MACHINES.map((m) => m.name).sort());
      expect(machines.every((m) => m.builtin === true)).toBe(true);
    } finally {
      await first.stop();
    }
    const second = await start(dataDir);
    try {
      expect(second.firstAdminKey).toBeUndefined();
      const key = (await readAdminKey(dataDir)) ?? '';
      const res = await fetch(`${second.url}/readyz`);
      expect(await res.json()).toEqual({ status: 'ready' });
      expect((await fetch(`${second.url}/v1/api-keys`, { headers: { 'x-api-key': key } })).status).toBe(200);
      expect(await builtinMachines(second.url, key)).toEqual(machines); // no new revision, nothing added
    } finally {
      await second.stop();
    }
  });

  it('finishes an in-flight request when stopping, then refuses connections', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'dbplane-node-'));
    dirs.push(dataDir);
    const node = await start(dataDir);
    const key = adminKey;
    expect(await readAdminKey(dataDir)).toBeUndefined();
    const body = JSON.stringify({ name: 'late', role: 'viewer' });
    const { hostname, port } = new URL(node.url);
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        {
          hostname,
          port,
          path: '/v1/api-keys',
          method: 'POST',
          headers: {
            'x-api-key': key,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => {
            text += c.toString();
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setTimeout(() => req.end(body.slice(10)), 300);
    });
    await new Promise((r) => setTimeout(r, 100));
    const stopped = node.stop();
    const result = await answer;
    await stopped;
    expect(result.status).toBe(201);
    expect(JSON.parse(result.text).name).toBe('late');
    await expect(fetch(`${node.url}/healthz`)).rejects.toThrow();
  });
});
