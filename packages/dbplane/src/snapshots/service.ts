import { randomUUID } from 'node:crypto';
import type { DatabasesService } from '../databases/service.js';
import type { Database } from '../databases/types.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors/index.js';
import type { ExecutionsService } from '../executions/service.js';
import type { InstancesService } from '../instances/service.js';
import type { Instance } from '../instances/types.js';
import { decodePageToken, encodePageToken, takePage } from '../paging.js';
import type { StateMachinesService } from '../states/service.js';
import type { Db, Pool } from '../store/db.js';
import { ensureSnapshotBuiltins } from './builtins.js';
import { copyInProgress } from './copy-sql.js';
import { checkRestoreTarget, checkSource, requestPhysical, restoreToInstance } from './physical-service.js';
import { requestSnapshot } from './request.js';
import * as sql from './sql.js';
import type { SnapshotStore } from './store.js';
import { CREATE_SNAPSHOT_MACHINE, RESTORE_SNAPSHOT_MACHINE, type Snapshot } from './types.js';

type Ref = Readonly<{ accountId: string; name: string }>;

/** A request and whether it was new (false: the same request was accepted before). */
export interface AcceptedSnapshot {
  snapshot: Snapshot;
  newRequest: boolean;
}

/**
 * Logical snapshots of databases: requests are recorded and their workflow
 * started in the caller's transaction (the API answers 202); the built-in
 * workflows dump, store and restore.
 *
 * @example
 * const snapshots = createSnapshotsService({ pool, region, store, databases, machines, executions });
 * await withTransaction(pool, (tx) => snapshots.create(tx, { accountId, name: 'nightly', database: 'orders' }));
 */
export function createSnapshotsService(deps: {
  pool: Pool;
  region: string;
  store: SnapshotStore;
  /** The store of a snapshot's region (a copy's may be another region's); unset: `store`. */
  storeFor?: (region: string) => Promise<SnapshotStore>;
  databases: DatabasesService;
  instances: InstancesService;
  machines: StateMachinesService;
  executions: ExecutionsService;
}) {
  /** The caller's own snapshot, or one shared with it (by name or ARN); 404 for anyone else. */
  const visible = async (db: Db, p: { accountId: string; ref: string }) => {
    const [row] = await sql.findVisible(db, p);
    if (row === undefined) throw new NotFoundError('snapshot', p.ref);
    return row;
  };
  const own = async (db: Db, ref: Ref, action: string) => {
    const row = await sql.findOwn(db, { ...ref, lock: true });
    if (row !== undefined) return row;
    const shared = await visible(db, { accountId: ref.accountId, ref: ref.name });
    throw new ForbiddenError(
      `snapshot "${ref.name}" is shared with this account by ${shared.account_id}; only its owner can ${action} it`,
    );
  };

  return {
    /** CreateSnapshot of an available database (logical) or local PostgreSQL instance (physical) of the caller's account. */
    async create(
      tx: Db,
      p: Ref & {
        database?: string | undefined;
        instance?: string | undefined;
        tags?: Record<string, string> | undefined;
      },
    ): Promise<AcceptedSnapshot> {
      checkSource(p);
      if (p.database === undefined) {
        const r = await requestPhysical(tx, deps, { ...p, instance: p.instance ?? '' });
        return { snapshot: toSnapshot(r.row), newRequest: r.newRequest };
      }
      const existing = await sql.findOwn(tx, p);
      if (existing !== undefined) {
        if (existing.source_database !== p.database)
          throw new ConflictError(
            `snapshot "${p.name}" already exists, of database "${existing.source_database}"`,
            {
              arn: existing.arn,
            },
          );
        return { snapshot: toSnapshot(existing), newRequest: false };
      }
      const db = await deps.databases.describe({ accountId: p.accountId, name: p.database });
      if (db.status !== 'available')
        throw new ConflictError(
          `database "${p.database}" is ${db.status}; only an available one can be snapshotted`,
        );
      const row = await requestSnapshot(tx, deps, {
        accountId: p.accountId,
        name: p.name,
        tags: p.tags,
        sourceDatabase: db.name,
        engine: db.engine,
        sourceInstance: db.instance,
        machine: CREATE_SNAPSHOT_MACHINE,
      });
      return { snapshot: toSnapshot(row), newRequest: true };
    },

    async describe(p: { accountId: string; ref: string }): Promise<Snapshot> {
      return toSnapshot(await visible(deps.pool, p), p.accountId);
    },

    /** The account's snapshots and those shared with it, by ARN. */
    async list(p: {
      accountId: string;
      limit: number;
      nextToken?: string | undefined;
      /** Only the snapshots (and copies) in this region. */
      region?: string | undefined;
    }) {
      const token = decodePageToken(p.nextToken);
      const rows = await sql.listVisible(deps.pool, {
        ...p,
        afterArn: token === undefined ? undefined : String(token.a),
      });
      const { page, more } = takePage(rows, p.limit);
      const last = page.at(-1);
      return {
        snapshots: page.map((r) => toSnapshot(r, p.accountId)),
        ...(more && last !== undefined ? { nextToken: encodePageToken({ a: last.arn }) } : {}),
      };
    },

    /** DeleteSnapshot: the file and the row; only the owner, and not while it is being created. */
    async remove(tx: Db, ref: Ref): Promise<Snapshot> {
      const row = await own(tx, ref, 'delete');
      if (row.status === 'creating')
        throw new ConflictError(
          `snapshot "${ref.name}" is still being created; delete it once it is available or failed`,
        );
      const copying = await copyInProgress(tx, row.id);
      if (copying !== undefined)
        throw new ConflictError(
          `snapshot "${ref.name}" is being copied to "${copying}"; delete it once that copy ends`,
        );
      await sql.deleteSnapshot(tx, row.id);
      await (deps.storeFor === undefined ? deps.store : await deps.storeFor(row.region)).remove(row.location);
      return toSnapshot(row);
    },

    /** ModifySnapshotAttribute `restore`: adds (and removes) accounts that may see and restore it. */
    async share(tx: Db, p: Ref & { accountIds: string[]; removeAccountIds?: string[] | undefined }) {
      const row = await own(tx, p, 'share');
      const removed = new Set(p.removeAccountIds ?? []);
      const sharedWith = [...new Set([...row.shared_with, ...p.accountIds])]
        .filter((a) => a !== row.account_id && !removed.has(a))
        .sort();
      await sql.updateSnapshot(tx, { id: row.id, sharedWith });
      return toSnapshot({ ...row, shared_with: sharedWith });
    },

    /**
     * RestoreSnapshot into a new database of the caller's account: requested
     * through the databases domain (status `creating`), on `instance` or, for
     * the owner, the source's instance; the restore workflow does the rest.
     * A physical snapshot is restored into a new local instance (`instanceName`).
     */
    async restore(
      tx: Db,
      p: {
        accountId: string;
        ref: string;
        databaseName?: string | undefined;
        instanceName?: string | undefined;
        instance?: string | undefined;
        /** Tags of the new database (besides `dbplane:snapshot`). */
        tags?: Record<string, string> | undefined;
      },
    ): Promise<{
      database?: Database;
      instance?: Instance;
      snapshot: Snapshot;
      executionArn: string | null;
      newRequest: boolean;
    }> {
      const row = await visible(tx, p);
      checkRestoreTarget(row, p);
      if (row.status !== 'available')
        throw new ConflictError(
          `snapshot "${row.name}" is ${row.status}; only an available one can be restored`,
        );
      if (p.instanceName !== undefined) {
        const r = await restoreToInstance(tx, deps, row, { ...p, instanceName: p.instanceName });
        return { ...r, snapshot: toSnapshot(row, p.accountId) };
      }
      const databaseName = p.databaseName ?? '';
      const instance =
        p.instance ?? (row.account_id === p.accountId ? (row.source_instance ?? undefined) : undefined);
      const accepted = await deps.databases.request(tx, {
        accountId: p.accountId,
        name: databaseName,
        engine: row.engine,
        instance,
        tags: { ...p.tags, 'dbplane:snapshot': row.arn },
      });
      if (!accepted.newRequest)
        return {
          database: accepted.database,
          snapshot: toSnapshot(row, p.accountId),
          executionArn: null,
          newRequest: false,
        };
      await ensureSnapshotBuiltins(tx, deps, p.accountId);
      const started = await deps.executions.start(tx, {
        accountId: p.accountId,
        stateMachine: RESTORE_SNAPSHOT_MACHINE,
        name: `restore-${databaseName}-${randomUUID().slice(0, 8)}`,
        input: { snapshotId: row.id, database: databaseName },
      });
      return {
        database: accepted.database,
        snapshot: toSnapshot(row, p.accountId),
        executionArn: started.executionArn,
        newRequest: true,
      };
    },
  };
}

export type SnapshotsService = ReturnType<typeof createSnapshotsService>;

/** Who else it is shared with is the owner's business: another account sees only itself there. */
export function toSnapshot(row: sql.SnapshotRow, viewer: string = row.account_id): Snapshot {
  return {
    arn: row.arn,
    name: row.name,
    ownerAccountId: row.account_id,
    source: { database: row.source_database, engine: row.engine, instance: row.source_instance },
    kind: row.kind,
    status: row.status,
    ...(row.status_reason === null ? {} : { statusReason: row.status_reason }),
    progress: row.progress,
    sizeBytes: row.size_bytes === null ? null : Number(row.size_bytes),
    checksum: row.checksum,
    compression: row.compression,
    region: row.region,
    keyArn: row.key_arn,
    sharedWith: viewer === row.account_id ? row.shared_with : [viewer],
    executionArn: row.execution_arn,
    copyOf: row.copy_of ?? null,
    tags: row.tags,
    createdAt: row.created_at.toISOString(),
  };
}
