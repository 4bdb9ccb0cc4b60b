import type { BusService } from '../bus/service.js';
import type { TaskRegistry } from '../executions/registry.js';
import type { ExecutionsService } from '../executions/service.js';
import type { Keyring } from '../kms/keyring.js';
import type { StateMachinesService } from '../states/service.js';
import type { Pool } from '../store/db.js';
import { createCopyService } from './copy.js';
import { registerCopyIntegrations } from './copy-integrations.js';
import { createRetentionService } from './retention.js';
import { createRegionStores, defaultStorePath, parseStoreSetting } from './stores.js';

/** The settings of copies (`snapshotStore`, `snapshotCopyPartBytes`, `snapshotCopyPartDelayMs`). */
export interface SnapshotCopySettings {
  store: string;
  partBytes: number;
  partDelayMs: number;
}

const DEFAULTS: SnapshotCopySettings = { store: '', partBytes: 8 * 1024 * 1024, partDelayMs: 0 };

/**
 * The region stores, copies and retention, built once per node
 * (`node/services.ts`): the services the API reaches and the Task
 * integrations the workers register.
 */
export function createSnapshotCopyParts(deps: {
  pool: Pool;
  region: string;
  dataDir: string;
  keyring: Keyring;
  machines: StateMachinesService;
  bus: BusService;
  executions: ExecutionsService;
  snapshotCopy?: SnapshotCopySettings | undefined;
}) {
  const settings = deps.snapshotCopy ?? DEFAULTS;
  const stores = createRegionStores({
    pool: deps.pool,
    region: deps.region,
    local: parseStoreSetting(settings.store, defaultStorePath(deps.dataDir, deps.region)),
    keyring: deps.keyring,
  });
  const copies = createCopyService({ ...deps, stores });
  const retention = createRetentionService({ ...deps, stores });
  return {
    stores,
    services: { snapshotStores: stores, snapshotCopies: copies, snapshotRetention: retention },
    register(registry: TaskRegistry) {
      registerCopyIntegrations(registry, {
        pool: deps.pool,
        stores,
        keyring: deps.keyring,
        partBytes: settings.partBytes,
        partDelayMs: settings.partDelayMs,
        copies,
        retention,
      });
    },
  };
}
