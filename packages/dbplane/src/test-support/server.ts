import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { createMetricsRegistry } from '../api/metrics.js';
import { buildServer } from '../api/server.js';
import type { App, Services } from '../api/types.js';
import { loadConfig } from '../config/index.js';
import type { Runtime } from '../executions/runtime.js';
import { createLogger } from '../log/logger.js';
import { installBuiltinMachines } from '../node/builtins.js';
import { createServices } from '../node/services.js';
import { createPool, type Pool } from '../store/db.js';
import { createNotifier, type Notifier } from '../store/notifier.js';
import { useTestDatabase } from './database.js';

export interface TestServer {
  url: string;
  adminKey: string;
  pool: Pool;
  app: App;
  notifier: Notifier;
  runtime: Runtime;
  /** A temporary data directory (function code cache, ...), removed afterwards. */
  dataDir: string;
  closeServices: () => Promise<void>;
  stopWorkers: () => Promise<void>;
  services: Services;
  /** fetch against the server with the admin key (or `key`), JSON in and out. */
  call(
    method: string,
    path: string,
    body?: unknown,
    key?: string | null,
  ): Promise<{ status: number; body: any }>;
}

/**
 * A real HTTP server on a free loopback port over this file's own database,
 * with the default account's admin key.
 */
export function useTestServer(): TestServer {
  const db = useTestDatabase();
  const server = {} as TestServer;
  beforeAll(async () => {
    const config = loadConfig({ flags: { port: 0, databaseUrl: db.url } });
    const pool = createPool(db.url, { max: 5 });
    const notifier = createNotifier(pool);
    const metrics = createMetricsRegistry();
    const dataDir = await mkdtemp(join(tmpdir(), 'dbplane-test-'));
    const { services, runtime, startWorkers, stopWorkers, close, setEndpoint } = createServices({
      pool,
      region: config.region,
      notifier,
      metrics,
      dataDir,
      nodeId: 'test-node',
      functionRetryDelayMs: 200,
      eventRetryDelayMs: 100,
    });
    const { adminKey, accountId } = await services.accounts.ensureDefaultAccount();
    if (adminKey === undefined) throw new Error('fresh test database already had keys');
    const log = createLogger({ level: 'silent' });
    await installBuiltinMachines({ pool, machines: services.machines, log }, accountId);
    const app = await buildServer({
      config,
      pool,
      services,
      metrics,
      log: createLogger({ level: 'silent' }),
    });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    setEndpoint(url);
    startWorkers(createLogger({ level: 'silent' }));
    Object.assign(server, {
      url,
      adminKey,
      pool,
      app,
      notifier,
      runtime,
      dataDir,
      closeServices: close,
      stopWorkers,
      services,
      call: makeCall(url, adminKey),
    });
  });
  afterAll(async () => {
    await server.app?.close();
    await server.stopWorkers?.();
    await server.closeServices?.();
    if (server.dataDir) await rm(server.dataDir, { recursive: true, force: true });
    await server.notifier?.close();
    await server.pool?.end();
  });
  return server;
}

function makeCall(url: string, adminKey: string): TestServer['call'] {
  return async (method, path, body, key = adminKey) => {
    const headers: Record<string, string> = {};
    if (key !== null) headers['x-api-key'] = key;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${url}${path}`, {
      method,
      headers,
      body: body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed };
  };
}
