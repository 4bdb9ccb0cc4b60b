import { mkdir } from 'node:fs/promises';
import { createMetricsRegistry } from '../api/metrics.js';
import { buildServer } from '../api/server.js';
import type { App, Services } from '../api/types.js';
import type { Config } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import { createPool, type Pool } from '../store/db.js';
import { migrate } from '../store/migrate.js';
import { createNotifier } from '../store/notifier.js';
import { writeAdminKey } from './admin-key.js';
import { installBuiltinMachines } from './builtins.js';
import { loadNodeId } from './node-id.js';
import { createServices } from './services.js';
import { openStore, type StoreHandle } from './store.js';

/** A running dbplane node: store, migrations, services, HTTP API. */
export interface DbplaneNode {
  url: string;
  app: App;
  pool: Pool;
  services: Services;
  store: StoreHandle;
  /** Set on the first start only: the admin key and where it was written. */
  firstAdminKey?: { key: string; file: string };
  stop(): Promise<void>;
}

/**
 * Starts a node: opens (or starts) the store, applies migrations, creates the
 * default account on first start, installs the built-in state machines in it,
 * and listens.
 *
 * @example
 * const node = await startNode(loadConfig({ env: process.env }), log);
 * process.on('SIGTERM', () => node.stop());
 */
export async function startNode(config: Config, log: Logger): Promise<DbplaneNode> {
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const store = await openStore(config, log);
  const pool = createPool(store.url, { applicationName: 'dbplane-node' });
  try {
    const applied = await migrate(pool);
    if (applied.length > 0) log.info({ applied }, 'migrations applied');
    const notifier = createNotifier(pool);
    const metrics = createMetricsRegistry();
    const { services, startWorkers, stopWorkers, close, setEndpoint } = createServices({
      dataDir: config.dataDir,
      nodeId: await loadNodeId(config.dataDir),
      postgresSource: config.embeddedPostgres,
      pool,
      region: config.region,
      notifier,
      taskLeaseMs: config.taskLeaseMs,
      snapshotCopy: {
        store: config.snapshotStore,
        partBytes: config.snapshotCopyPartBytes,
        partDelayMs: config.snapshotCopyPartDelayMs,
      },
      retention: { logDays: config.executionLogRetentionDays, executionDays: config.executionRetentionDays },
      metrics,
      httpTaskAllowedHosts: config.httpTaskAllowedHosts
        .split(',')
        .map((h) => h.trim())
        .filter(Boolean),
    });
    const { adminKey, accountId } = await services.accounts.ensureDefaultAccount();
    await installBuiltinMachines({ pool, machines: services.machines, log }, accountId);
    const app = await buildServer({ config, pool, services, log, metrics });
    const address = await app.listen({ host: config.host, port: config.port });
    setEndpoint(address);
    if (config.workers === 'on') startWorkers(log);
    const node: DbplaneNode = {
      url: address,
      app,
      pool,
      services,
      store,
      stop: makeStop(
        app,
        [stopWorkers, close, () => notifier.close(), () => pool.end(), () => store.stop()],
        log,
      ),
    };
    if (adminKey !== undefined)
      node.firstAdminKey = { key: adminKey, file: await writeAdminKey(config.dataDir, adminKey) };
    return node;
  } catch (err) {
    await pool.end().catch(() => {});
    await store.stop().catch(() => {});
    throw err;
  }
}

/** Stops accepting, waits for in-flight requests, then closes the rest in order. */
function makeStop(app: App, closers: (() => Promise<void>)[], log: Logger): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () => {
    stopping ??= (async () => {
      await app.close();
      for (const close of closers) await close();
      log.info('stopped');
    })();
    return stopping;
  };
}
