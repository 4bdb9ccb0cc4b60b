import type { createLocalInstanceManager } from '../engines/local/index.js';
import type { Logger } from '../log/logger.js';
import type { Pool } from '../store/db.js';
import type { InstanceEvents } from './events.js';
import { recordRunning } from './running.js';
import * as sql from './sql.js';
import type { CredentialStore } from './types.js';

/**
 * At start, runs again the local instances this node owns that should be
 * running (their data directories are kept; a SIGKILLed node's orphaned
 * servers are found by their pid files and taken over). Failures are logged
 * and left to the supervisor's health checks.
 */
export async function resumeLocalInstances(deps: {
  pool: Pool;
  nodeId: string;
  local: ReturnType<typeof createLocalInstanceManager>;
  log: Logger;
  credentials: CredentialStore;
  events?: InstanceEvents;
}): Promise<void> {
  const rows = await sql.localInstancesOf(deps.pool, deps.nodeId).catch((err: unknown) => {
    deps.log.error({ err }, 'cannot list local instances to resume');
    return [];
  });
  await Promise.all(
    rows.map(async (row) => {
      try {
        const server = await deps.local.start(row.id, row.engine);
        await recordRunning(deps, row, server);
      } catch (err) {
        deps.log.error({ err, instance: row.name }, 'cannot resume local instance');
      }
    }),
  );
}
