import { randomUUID } from 'node:crypto';
import type { EngineName } from '../engines/admin/index.js';
import type { createLocalInstanceManager } from '../engines/local/index.js';
import { DbplaneError, NotFoundError } from '../errors/index.js';
import { type Db, type Pool, withTransaction } from '../store/db.js';
import type { InstanceEvents } from './events.js';
import { recordRunning } from './running.js';
import { instanceArn, instanceOnAnotherNode, toInstance } from './service.js';
import * as sql from './sql.js';
import type { CredentialStore, Instance } from './types.js';
import { urlFromCredentials } from './urls.js';

type Ref = Readonly<{ accountId: string; name: string }>;

/** Retryable: the instance exists but cannot take work yet. */
export function instanceNotReady(name: string, status: string): DbplaneError {
  return new DbplaneError('Dbplane.InstanceNotReady', `instance "${name}" is ${status}`, { retryable: true });
}

/**
 * What other domains (databases, bootstrap, snapshots) may do with
 * instances from inside their Task integrations: find one, make sure a local
 * one exists and runs on this node, reach it as admin, remove a dedicated one.
 *
 * @example
 * const access = createInstanceAccess({ pool, region, nodeId, local, credentials });
 * const url = await access.adminUrl({ accountId, name: 'default-postgres' });
 */
export function createInstanceAccess(deps: {
  pool: Pool;
  region: string;
  nodeId: string;
  local: ReturnType<typeof createLocalInstanceManager>;
  credentials: CredentialStore;
  events?: InstanceEvents;
}) {
  const load = async (db: Db, ref: Ref) => {
    const row = await sql.findInstance(db, ref);
    if (row === undefined) throw new NotFoundError('instance', ref.name);
    return row;
  };
  return {
    async find(ref: Ref): Promise<Instance | undefined> {
      const row = await sql.findInstance(deps.pool, ref);
      return row === undefined ? undefined : toInstance(row);
    },

    /**
     * The local instance `name`, created (on this node) when missing and
     * started here when it is not running yet; answers it once available.
     */
    async ensureLocal(ref: Ref & { engine: EngineName; tags?: Record<string, string> }): Promise<Instance> {
      await sql.insertInstance(
        deps.pool,
        {
          id: randomUUID(),
          accountId: ref.accountId,
          name: ref.name,
          arn: instanceArn(deps.region, ref.accountId, ref.name),
          engine: ref.engine,
          provider: 'local',
          status: 'creating',
          version: null,
          host: null,
          port: null,
          adminSecretArn: null,
          nodeId: deps.nodeId,
          deletionProtection: false,
          tags: ref.tags ?? {},
        },
        deps.events,
      );
      const row = await load(deps.pool, ref);
      if (row.status === 'available') return toInstance(row);
      if (row.provider !== 'local' || !['creating', 'starting', 'modifying'].includes(row.status))
        throw instanceNotReady(ref.name, row.status);
      if (row.node_id !== deps.nodeId) throw instanceOnAnotherNode(ref.name, row.node_id);
      const server = await deps.local.start(row.id, row.engine);
      await recordRunning(deps, row, server);
      return toInstance(await load(deps.pool, ref));
    },

    /** The admin URL of an available instance (from its admin secret). */
    async adminUrl(ref: Ref): Promise<string> {
      const row = await load(deps.pool, ref);
      if (row.status !== 'available' || row.admin_secret_arn === null)
        throw instanceNotReady(ref.name, row.status);
      return urlFromCredentials(
        await deps.credentials.get({ accountId: ref.accountId, arn: row.admin_secret_arn }),
      );
    },

    /** The data directory of a local instance run by this node (a physical snapshot reads it). */
    async localDataDir(ref: Ref): Promise<string> {
      const row = await load(deps.pool, ref);
      if (row.provider !== 'local') throw new Error(`instance "${ref.name}" is not local`);
      if (row.node_id !== deps.nodeId) throw instanceOnAnotherNode(ref.name, row.node_id);
      return deps.local.dataDir(row.id);
    },

    /**
     * Fills the data directory of a local instance of this node that is still
     * `creating` (a physical restore, before `instances:localAction` create
     * starts it); false when it is filled already.
     */
    async populateLocal(ref: Ref, fill: (dir: string) => Promise<void>): Promise<boolean> {
      const row = await load(deps.pool, ref);
      if (row.provider !== 'local' || row.status !== 'creating')
        throw new Error(
          `instance "${ref.name}" is ${row.provider} and ${row.status}; only a new local one can be filled`,
        );
      if (row.node_id !== deps.nodeId) throw instanceOnAnotherNode(ref.name, row.node_id);
      return deps.local.populate(row.id, fill);
    },

    /** Stops a local instance of this node and deletes its files, keeping its row (a failed restore); idempotent. */
    async discardLocalFiles(ref: Ref): Promise<void> {
      const row = await sql.findInstance(deps.pool, ref);
      if (row === undefined || row.provider !== 'local') return;
      if (row.node_id !== deps.nodeId) throw instanceOnAnotherNode(ref.name, row.node_id);
      await deps.local.remove(row.id);
    },

    /** Stops a local instance, deletes its files, its admin secret and its row; idempotent. */
    async removeLocal(ref: Ref): Promise<void> {
      const row = await sql.findInstance(deps.pool, ref);
      if (row === undefined) return;
      if (row.node_id !== deps.nodeId) throw instanceOnAnotherNode(ref.name, row.node_id);
      await deps.local.remove(row.id);
      await withTransaction(deps.pool, async (tx) => {
        if (row.admin_secret_arn !== null)
          await deps.credentials.remove(tx, { accountId: ref.accountId, arn: row.admin_secret_arn });
        await sql.deleteInstance(tx, row.id, deps.events);
      });
    },
  };
}

export type InstanceAccess = ReturnType<typeof createInstanceAccess>;
