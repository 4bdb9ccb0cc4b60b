import type { createLocalInstanceManager } from '../engines/local/index.js';
import type { TaskRegistry } from '../executions/registry.js';
import { type Pool, withTransaction } from '../store/db.js';
import type { InstanceEvents } from './events.js';
import { recordRunning } from './running.js';
import { instanceOnAnotherNode, type LocalAction } from './service.js';
import * as sql from './sql.js';
import type { CredentialStore } from './types.js';

interface Deps {
  pool: Pool;
  nodeId: string;
  local: ReturnType<typeof createLocalInstanceManager>;
  credentials: CredentialStore;
  events?: InstanceEvents;
}

/**
 * The Task resources of the instances domain, for the built-in workflows and
 * users' own state machines: `arn:dbplane:states:::instances:localAction`
 * (create|start|stop|reboot|delete a local instance; idempotent under retry)
 * and `...:instances:markFailed`.
 */
export function registerInstanceIntegrations(registry: TaskRegistry, deps: Deps): void {
  registry.register('arn:dbplane:states:::instances:localAction', async (task) => {
    const { instance, action } = task.input as { instance: string; action: LocalAction };
    const row = await sql.findInstance(deps.pool, { accountId: task.accountId, name: instance });
    if (row === undefined) {
      if (action === 'delete') return { type: 'succeeded', output: { instance, deleted: true } };
      return {
        type: 'failed',
        error: 'Dbplane.InstanceNotFound',
        cause: `instance "${instance}" does not exist`,
      };
    }
    if (row.node_id !== deps.nodeId) {
      const e = instanceOnAnotherNode(instance, row.node_id);
      return { type: 'failed', error: 'Dbplane.InstanceOnAnotherNode', cause: e.message };
    }
    return { type: 'succeeded', output: await apply(deps, row, action) };
  });
  registry.register('arn:dbplane:states:::instances:markFailed', async (task) => {
    const { instance, error, cause } = task.input as { instance: string; error: string; cause: string };
    const row = await sql.findInstance(deps.pool, { accountId: task.accountId, name: instance });
    if (row !== undefined)
      await withTransaction(deps.pool, (tx) =>
        sql.updateInstance(
          tx,
          { id: row.id, status: 'failed', statusReason: `${error}: ${cause}` },
          deps.events,
        ),
      );
    return { type: 'succeeded', output: { instance, status: 'failed' } };
  });
}

async function apply(deps: Deps, row: sql.InstanceRow, action: LocalAction): Promise<unknown> {
  if (action === 'stop') {
    await deps.local.stop(row.id);
    await withTransaction(deps.pool, (tx) =>
      sql.updateInstance(tx, { id: row.id, status: 'stopped' }, deps.events),
    );
    return { instance: row.name, status: 'stopped' };
  }
  if (action === 'delete') {
    await deps.local.remove(row.id);
    await withTransaction(deps.pool, async (tx) => {
      if (row.admin_secret_arn !== null)
        await deps.credentials.remove(tx, { accountId: row.account_id, arn: row.admin_secret_arn });
      await sql.deleteInstance(tx, row.id, deps.events);
    });
    return { instance: row.name, deleted: true };
  }
  const server =
    action === 'reboot'
      ? await deps.local.reboot(row.id, row.engine)
      : await deps.local.start(row.id, row.engine);
  await recordRunning(deps, row, server);
  return { instance: row.name, status: 'available', endpoint: { host: server.host, port: server.port } };
}
