import type { DatabasesService } from '../databases/service.js';
import type { TaskRegistry } from '../executions/registry.js';
import type { ExecutionsService } from '../executions/service.js';
import type { SecretsService } from '../secrets/service.js';
import type { SnapshotsService } from '../snapshots/service.js';
import type { StateMachinesService } from '../states/service.js';
import type { Pool } from '../store/db.js';
import { registerSanitizeIntegrations } from './integrations.js';
import { createSanitizeService } from './service.js';
import type { AdminUrl } from './target.js';

/**
 * The sanitize domain for `node/services.ts`: its service now, its Task
 * integrations once the node's workers (and their instance access) start.
 */
export function createSanitizeParts(deps: {
  pool: Pool;
  databases: DatabasesService;
  snapshots: SnapshotsService;
  secrets: SecretsService;
  machines: StateMachinesService;
  executions: ExecutionsService;
}) {
  let reach: AdminUrl | undefined;
  const adminUrl: AdminUrl = async (ref) => {
    if (reach === undefined) throw new Error('sanitizing needs the workers of this node');
    return reach(ref);
  };
  return {
    service: createSanitizeService({ ...deps, adminUrl }),
    register(registry: TaskRegistry, instanceAdminUrl: AdminUrl): void {
      reach = instanceAdminUrl;
      registerSanitizeIntegrations(registry, { ...deps, adminUrl });
    },
  };
}
