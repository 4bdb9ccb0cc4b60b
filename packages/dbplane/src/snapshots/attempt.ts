import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { DEFAULT_ALIAS, type Keyring } from '../kms/keyring.js';
import type { Pool } from '../store/db.js';
import { seal } from './format.js';
import * as sql from './sql.js';
import type { SnapshotStore } from './store.js';
import { dumpProgress } from './tools.js';

const PROGRESS_EVERY_MS = 1000;

/**
 * One attempt of a create task: seals what a dump or a backup streams into a
 * file of the attempt's own (`<account>/<id>-<random>.snap`, so a retried task
 * racing a slow one cannot mix their bytes), reporting progress against
 * `estimate` bytes, then records it on the snapshot unless another attempt
 * finished first (this file then goes and the recorded one is answered).
 * When the producer fails, the file goes and its error is thrown.
 */
export async function sealAttempt<T>(
  deps: { pool: Pool; store: SnapshotStore; keyring: Keyring },
  p: {
    row: sql.SnapshotRow;
    source: Readable;
    /** The producer's end (the dump tool's exit, the backup's stop). */
    done: Promise<T>;
    estimate: number | undefined;
    compressionLevel?: number;
  },
): Promise<{ sizeBytes: number; checksum: string | null; produced?: T }> {
  const { row } = p;
  const key = `${row.account_id}/${row.id}-${randomBytes(4).toString('hex')}.snap`;
  let last = Date.now();
  const sealed = seal({
    source: p.source,
    store: deps.store,
    key,
    keyring: deps.keyring,
    keyRef: DEFAULT_ALIAS,
    ...(p.compressionLevel === undefined ? {} : { compressionLevel: p.compressionLevel }),
    onBytes: (n) => {
      if (Date.now() - last < PROGRESS_EVERY_MS) return;
      last = Date.now();
      const progress = dumpProgress(n, p.estimate);
      void sql.reportProgress(deps.pool, { id: row.id, sizeBytes: n, progress }).catch(() => {});
    },
  });
  const [result, produced] = await Promise.allSettled([sealed, p.done]);
  if (produced.status === 'rejected') {
    await deps.store.remove(key);
    throw produced.reason;
  }
  if (result.status === 'rejected') throw result.reason;
  const s = result.value;
  const completed = await sql.completeSnapshot(deps.pool, {
    id: row.id,
    location: key,
    sizeBytes: s.sizeBytes,
    checksum: s.checksum,
    compression: s.compression,
    keyArn: deps.keyring.describe(row.account_id, s.keyId).arn,
  });
  if (completed) return { sizeBytes: s.sizeBytes, checksum: s.checksum, produced: produced.value };
  await deps.store.remove(key);
  const now = await sql.findById(deps.pool, row.id);
  if (now?.status !== 'available') throw new Error(`snapshot "${row.name}" is ${now?.status ?? 'gone'}`);
  return { sizeBytes: Number(now.size_bytes), checksum: now.checksum };
}
