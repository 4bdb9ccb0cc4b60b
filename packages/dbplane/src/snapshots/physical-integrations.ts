import { runAsUser } from '../engines/postgres-local/index.js';
import { DbplaneError, NotFoundError } from '../errors/index.js';
import { asOutcome } from '../executions/outcome.js';
import type { TaskRegistry } from '../executions/registry.js';
import type { InstanceAccess } from '../instances/access.js';
import type { Keyring } from '../kms/keyring.js';
import type { Pool } from '../store/db.js';
import { sealAttempt } from './attempt.js';
import { open } from './format.js';
import { physicalBackup } from './physical/backup.js';
import { extractDataDir } from './physical/extract.js';
import { treeBytes } from './physical/tree.js';
import * as sql from './sql.js';
import type { SnapshotStore } from './store.js';

interface Deps {
  pool: Pool;
  store: SnapshotStore;
  /** The store of a snapshot's region (a copy's is its destination region's); unset: `store`. */
  storeFor?: (region: string) => Promise<SnapshotStore>;
  keyring: Keyring;
  instances: InstanceAccess;
}

type Input = { snapshotId: string; executionArn?: string; instance?: string };
const PREFIX = 'arn:dbplane:states:::snapshots';
/** Level 1: zstd's fastest positive level (~364 MB/s a core here, 4x smaller), or gzip's (README "Limits"). */
const PHYSICAL_COMPRESSION_LEVEL = 1;

/** The physical snapshot `id` if the account owns it (`own`) or it is shared with the account. */
async function physical(deps: Deps, accountId: string, id: string, own: boolean): Promise<sql.SnapshotRow> {
  const row = await sql.findById(deps.pool, id);
  const visible =
    row !== undefined && (row.account_id === accountId || (!own && row.shared_with.includes(accountId)));
  if (!visible) throw new NotFoundError('snapshot', id);
  if (row.kind !== 'physical') throw new Error(`snapshot "${row.name}" is ${row.kind}, not physical`);
  return row;
}

/**
 * The Task resources of physical snapshots (`arn:dbplane:states:::snapshots:*`):
 * `createPhysical` (copy a local PostgreSQL instance's data directory while it
 * runs, compress, encrypt, store), `extractInstance` (write a new local
 * instance's data directory from one) and `discardInstance` (remove those
 * files after a failure). `markFailed` and `verify` are shared with logical
 * snapshots.
 */
export function registerPhysicalSnapshotIntegrations(registry: TaskRegistry, deps: Deps): void {
  registry.register(`${PREFIX}:createPhysical`, (t) =>
    asOutcome(async () => createPhysical(deps, t.accountId, t.input as Input)),
  );
  registry.register(`${PREFIX}:extractInstance`, (t) =>
    asOutcome(async () => extractInstance(deps, t.accountId, t.input as Input)),
  );
  registry.register(`${PREFIX}:discardInstance`, (t) =>
    asOutcome(async () => {
      const instance = (t.input as Input).instance ?? '';
      await deps.instances.discardLocalFiles({ accountId: t.accountId, name: instance });
      return { instance, discarded: true };
    }),
  );
}

async function createPhysical(deps: Deps, accountId: string, p: Input) {
  const row = await physical(deps, accountId, p.snapshotId, true);
  if (row.status === 'available') return { snapshot: row.name, status: 'available' };
  if (row.status !== 'creating') throw new Error(`snapshot "${row.name}" is ${row.status}`);
  if (row.execution_arn === null && p.executionArn !== undefined)
    await sql.updateSnapshot(deps.pool, { id: row.id, executionArn: p.executionArn });
  const ref = { accountId, name: row.source_instance ?? '' };
  const adminUrl = await deps.instances.adminUrl(ref);
  const dataDir = await deps.instances.localDataDir(ref);
  const estimate = await treeBytes(dataDir);
  await sql.updateSnapshot(deps.pool, { id: row.id, progress: 5 });
  const url = new URL(adminUrl);
  const backup = physicalBackup({
    adminUrl,
    dataDir,
    label: `dbplane snapshot ${row.id}`,
    superuser: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  });
  const done = await sealAttempt(deps, {
    row,
    source: backup.stream,
    done: backup.done,
    estimate,
    compressionLevel: PHYSICAL_COMPRESSION_LEVEL,
  });
  return { snapshot: row.name, status: 'available', sizeBytes: done.sizeBytes, ...done.produced };
}

/** Writes the new instance's data directory from the snapshot (decrypted, decompressed, untarred); once. */
async function extractInstance(deps: Deps, accountId: string, p: Input) {
  const row = await physical(deps, accountId, p.snapshotId, false);
  if (row.status !== 'available')
    throw new DbplaneError('Dbplane.SnapshotNotAvailable', `snapshot "${row.name}" is ${row.status}`);
  const instance = p.instance ?? '';
  const owner = await runAsUser();
  let files = 0;
  const filled = await deps.instances.populateLocal({ accountId, name: instance }, async (dir) => {
    const store = deps.storeFor === undefined ? deps.store : await deps.storeFor(row.region);
    const source = await open(store, row.location, deps.keyring.forRegion(row.region));
    files = (await extractDataDir({ source, target: dir, owner })).files;
  });
  return { instance, extracted: filled, files };
}
