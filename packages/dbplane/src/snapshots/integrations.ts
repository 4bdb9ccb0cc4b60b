import { pipeline } from 'node:stream/promises';
import type { DatabasesService } from '../databases/service.js';
import { DbplaneError, NotFoundError } from '../errors/index.js';
import { asOutcome } from '../executions/outcome.js';
import type { TaskRegistry } from '../executions/registry.js';
import type { InstanceAccess } from '../instances/access.js';
import type { Keyring } from '../kms/keyring.js';
import type { Pool } from '../store/db.js';
import { sealAttempt } from './attempt.js';
import { open, verify } from './format.js';
import * as sql from './sql.js';
import type { SnapshotStore } from './store.js';
import { estimateDumpBytes, startDump, startLoad } from './tools.js';

interface Deps {
  pool: Pool;
  store: SnapshotStore;
  keyring: Keyring;
  /** The store of a snapshot's region (a copy's may be another region's); unset: `store`. */
  storeFor?: (region: string) => Promise<SnapshotStore>;
  databases: DatabasesService;
  instances: InstanceAccess;
}

type Input = { snapshotId: string; executionArn?: string; database?: string };
const PREFIX = 'arn:dbplane:states:::snapshots';
const storeOf = (deps: Deps, region: string) => deps.storeFor?.(region) ?? Promise.resolve(deps.store);

/** The snapshot `id` if the account owns it or it is shared with the account. */
async function visible(deps: Deps, accountId: string, id: string): Promise<sql.SnapshotRow> {
  const row = await sql.findById(deps.pool, id);
  if (row === undefined || (row.account_id !== accountId && !row.shared_with.includes(accountId)))
    throw new NotFoundError('snapshot', id);
  return row;
}

/**
 * The Task resources of snapshots (`arn:dbplane:states:::snapshots:*`):
 * `create` (dump, compress, encrypt, store), `markFailed`, `verify`
 * (checksum of the stored file) and `load` (into a database made for it).
 */
export function registerSnapshotIntegrations(registry: TaskRegistry, deps: Deps): void {
  registry.register(`${PREFIX}:create`, (t) =>
    asOutcome(async () => create(deps, t.accountId, t.input as Input)),
  );
  registry.register(`${PREFIX}:markFailed`, (t) =>
    asOutcome(async () => {
      const p = t.input as Input & { error?: string; cause?: string };
      return markFailed(deps, t.accountId, p.snapshotId, `${p.error ?? 'Error'}: ${p.cause ?? ''}`);
    }),
  );
  registry.register(`${PREFIX}:verify`, (t) =>
    asOutcome(async () => {
      const row = await visible(deps, t.accountId, (t.input as Input).snapshotId);
      if (row.status !== 'available' || row.checksum === null)
        throw new DbplaneError('Dbplane.SnapshotNotAvailable', `snapshot "${row.name}" is ${row.status}`);
      await verify(await storeOf(deps, row.region), row.location, row.checksum);
      return { snapshot: row.name, checksum: row.checksum };
    }),
  );
  registry.register(`${PREFIX}:load`, (t) =>
    asOutcome(async () => load(deps, t.accountId, t.input as Input)),
  );
}

async function create(deps: Deps, accountId: string, p: Input) {
  const row = await visible(deps, accountId, p.snapshotId);
  if (row.account_id !== accountId) throw new NotFoundError('snapshot', p.snapshotId);
  if (row.status === 'available') return { snapshot: row.name, status: 'available' };
  if (row.status !== 'creating') throw new Error(`snapshot "${row.name}" is ${row.status}`);
  if (row.execution_arn === null && p.executionArn !== undefined)
    await sql.updateSnapshot(deps.pool, { id: row.id, executionArn: p.executionArn });
  if (row.source_database === null) throw new Error(`snapshot "${row.name}" is physical; not a dump`);
  const db = await deps.databases.describe({ accountId, name: row.source_database });
  if (db.status !== 'available' || db.instance === null)
    throw new DbplaneError('Dbplane.Transient', `database "${db.name}" is ${db.status}`, { retryable: true });
  const url = await deps.instances.adminUrl({ accountId, name: db.instance });
  const estimate = await estimateDumpBytes(row.engine, url, db.name);
  await sql.updateSnapshot(deps.pool, { id: row.id, progress: 5 });
  const dump = await startDump(row.engine, url, db.name);
  const done = await sealAttempt(deps, { row, source: dump.stream, done: dump.done, estimate });
  return { snapshot: row.name, status: 'available', sizeBytes: done.sizeBytes, checksum: done.checksum };
}

/** Removes a half-written file and marks the snapshot failed. */
async function markFailed(deps: Deps, accountId: string, id: string, reason: string) {
  const row = await sql.findById(deps.pool, id);
  if (row === undefined || row.account_id !== accountId) return { status: 'gone' };
  if (row.status === 'available') return { snapshot: row.name, status: 'available' }; // a slower attempt made it
  await deps.store.remove(row.location);
  await sql.updateSnapshot(deps.pool, { id, status: 'failed', statusReason: reason.slice(0, 1000) });
  return { snapshot: row.name, status: 'failed' };
}

/** Streams the decrypted dump into the database as its owner (PostgreSQL: `--role`, owned by it). */
async function load(deps: Deps, accountId: string, p: Input) {
  const row = await visible(deps, accountId, p.snapshotId);
  const db = await deps.databases.describe({ accountId, name: p.database ?? '' });
  if (db.instance === null) throw new Error(`database "${db.name}" has no instance yet`);
  if (db.engine !== row.engine)
    throw new Error(`snapshot "${row.name}" is of ${row.engine}; database "${db.name}" runs ${db.engine}`);
  const url = await deps.instances.adminUrl({ accountId, name: db.instance });
  const plain = await open(await storeOf(deps, row.region), row.location, deps.keyring.forRegion(row.region));
  const loader = await startLoad(row.engine, url, db.name, db.name);
  const [piped, exited] = await Promise.allSettled([pipeline(plain, loader.stream), loader.done]);
  if (exited.status === 'rejected') throw exited.reason;
  if (piped.status === 'rejected') throw piped.reason;
  return { snapshot: row.name, database: db.name, loaded: true };
}
