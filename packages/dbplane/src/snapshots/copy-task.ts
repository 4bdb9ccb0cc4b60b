import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { DbplaneError, NotFoundError } from '../errors/index.js';
import type { Keyring } from '../kms/keyring.js';
import type { Pool } from '../store/db.js';
import {
  type ChunkKey,
  chunkCount,
  dataKeyOf,
  type Header,
  newHeader,
  sealChunk,
  TAG_BYTES,
} from './chunks.js';
import * as copySql from './copy-sql.js';
import { checksumMismatch, checksumOf, filePrefix, openCompressed, readFileInfo, verify } from './format.js';
import * as sql from './sql.js';
import type { SnapshotStore, WrittenPart } from './store.js';
import type { RegionStores } from './stores.js';

/** What the copy Task needs. */
export interface CopyTaskDeps {
  pool: Pool;
  stores: RegionStores;
  keyring: Keyring;
  /** Plaintext bytes per part (rounded down to whole chunks). */
  partBytes: number;
  /** A pause after each part (throttling; tests stop a copy midway with it). */
  partDelayMs: number;
}

const CHUNK_BYTES = 1024 * 1024;

/** Cuts a stream into buffers of `size` bytes (the last shorter; one empty buffer for an empty stream). */
async function* pieces(stream: Readable, size: number): AsyncGenerator<Buffer> {
  let held: Buffer[] = [];
  let length = 0;
  let any = false;
  for await (const c of stream) {
    held.push(c as Buffer);
    length += (c as Buffer).length;
    if (length < size) continue;
    let all = Buffer.concat(held, length); // once per part, not once per read
    while (all.length >= size) {
      any = true;
      yield all.subarray(0, size);
      all = all.subarray(size);
    }
    held = all.length === 0 ? [] : [all];
    length = all.length;
  }
  if (length > 0 || !any) yield Buffer.concat(held, length);
}

/** Part `part` of the destination file: its chunks sealed (and the file's prefix before part 1). */
function sealPart(
  d: { k: ChunkKey; chunkBytes: number; perPart: number; chunks: number },
  part: number,
  plain: Buffer,
): Buffer {
  const sealed: Buffer[] = part === 1 ? [filePrefix(d.k.headerBytes)] : [];
  for (let i = 0; i * d.chunkBytes < Math.max(plain.length, 1); i++) {
    const index = (part - 1) * d.perPart + i;
    const slice = plain.subarray(i * d.chunkBytes, (i + 1) * d.chunkBytes);
    sealed.push(sealChunk(d.k, index, index === d.chunks - 1, slice));
  }
  return Buffer.concat(sealed);
}

interface Source {
  store: SnapshotStore;
  key: string;
  checksum: string;
  v: 1 | 2;
}

/**
 * Passes the source's compressed body from `from` on to `each`, in pieces of
 * `size`, having checked the whole file against its checksum. A version 2
 * file is read once: hashed as it is read (the bytes before `from` too) and
 * compared at its end, before the caller completes anything; a chunk that
 * fails to decrypt is reported as the checksum mismatch it is when the file
 * differs. A version 1 file is verified first, then read.
 */
async function readVerified(
  s: Source,
  keyring: Keyring,
  from: number,
  each: (plain: Buffer) => Promise<void>,
  size: number,
) {
  const hash = s.v === 2 ? createHash('sha256') : undefined;
  if (hash === undefined) await verify(s.store, s.key, s.checksum);
  try {
    const { stream } = await openCompressed(s.store, s.key, keyring, from, hash);
    for await (const plain of pieces(stream, size)) await each(plain);
  } catch (err) {
    // the source unreadable too: the first error says more
    const actual = hash === undefined ? s.checksum : await checksumOf(s.store, s.key).catch(() => s.checksum);
    if (actual !== s.checksum) throw checksumMismatch(s.key, s.checksum, actual);
    throw err;
  }
  const actual = hash === undefined ? s.checksum : `sha256:${hash.digest('hex')}`;
  if (actual !== s.checksum) throw checksumMismatch(s.key, s.checksum, actual);
}

/** The parts already written, contiguous from part 1 (a gap is written again). */
function donePrefix(parts: WrittenPart[]): WrittenPart[] {
  const sorted = [...parts].sort((a, b) => a.part - b.part);
  const out: WrittenPart[] = [];
  for (const p of sorted) if (p.part === out.length + 1) out.push(p);
  return out;
}

/**
 * Copies a snapshot file into its destination store, re-encrypted: the
 * source is read once, its body decrypted chunk by chunk (still compressed)
 * and sealed again under a fresh data key wrapped by the destination
 * region's key, its checksum checked at its end before the upload is
 * completed. The destination header and every part written are recorded
 * (each part durable in the store before it is), so an attempt after a
 * crash continues at the first part missing. The new file's checksum is the
 * hash of the bytes written (after a resume: of the file read back), and its
 * size is checked before the snapshot is marked available.
 */
export async function copySnapshotData(deps: CopyTaskDeps, accountId: string, snapshotId: string) {
  const row = await sql.findById(deps.pool, snapshotId);
  const copy = await copySql.findCopy(deps.pool, snapshotId);
  if (row === undefined || copy === undefined || row.account_id !== accountId)
    throw new NotFoundError('snapshot copy', snapshotId);
  if (row.status === 'available') return { snapshot: row.name, status: 'available', checksum: row.checksum };
  if (row.status !== 'creating')
    throw new DbplaneError('Dbplane.SnapshotFailed', `snapshot "${row.name}" is ${row.status}`);
  const src = await sql.findById(deps.pool, copy.source_id);
  if (src === undefined || src.status !== 'available' || src.checksum === null)
    throw new DbplaneError(
      'Dbplane.SnapshotNotAvailable',
      `the source of "${row.name}" (${copy.source_arn}) is not available`,
    );
  const srcStore = await deps.stores.storeFor(src.region);
  const dstStore = await deps.stores.storeFor(row.region);
  const dstKeyring = deps.keyring.forRegion(row.region);
  const info = await readFileInfo(srcStore, src.location);
  const plan =
    copy.header !== null
      ? copy
      : await planNew(deps, copy, info.header, info.plainBytes, dstKeyring, row.location);
  const headerBytes = Buffer.from(plan.header as string, 'base64');
  const header = JSON.parse(headerBytes.toString('utf8')) as Header & { chunkBytes: number };
  const k = { dataKey: dataKeyOf(dstKeyring, header), iv: Buffer.from(header.iv, 'base64'), headerBytes };
  const perPart = Math.max(1, Math.floor((plan.part_bytes as number) / header.chunkBytes));
  const chunks = chunkCount(info.plainBytes, header.chunkBytes);
  const total = plan.parts_total as number;
  const done = donePrefix(plan.parts);
  await copySql.beginAttempt(deps.pool, { id: row.id, resumedFrom: done.length });
  const source = { store: srcStore, key: src.location, checksum: src.checksum, v: info.header.v };
  const written = [...done];
  // a fresh upload is hashed as it is written; a resumed one is read back once complete
  const out = done.length === 0 ? createHash('sha256') : undefined;
  if (done.length < total) {
    const from = done.length * perPart * header.chunkBytes;
    const srcKeyring = deps.keyring.forRegion(src.region);
    await readVerified(
      source,
      srcKeyring,
      from,
      async (plain) => {
        const part = written.length + 1;
        const body = sealPart({ k, chunkBytes: header.chunkBytes, perPart, chunks }, part, plain);
        out?.update(body);
        const etag = await dstStore.multipart.putPart(row.location, plan.upload_id as string, part, body);
        const p = { part, etag };
        written.push(p);
        await copySql.recordPart(deps.pool, {
          id: row.id,
          part: p,
          progress: Math.floor((95 * part) / total),
        });
        if (deps.partDelayMs > 0) await sleep(deps.partDelayMs);
      },
      perPart * header.chunkBytes,
    );
  } else await verify(srcStore, src.location, src.checksum);
  await dstStore.multipart.complete(row.location, plan.upload_id as string, written);
  const expected = filePrefix(headerBytes).length + info.plainBytes + chunks * TAG_BYTES;
  const sizeBytes = (await dstStore.size(row.location)) ?? 0;
  if (sizeBytes !== expected)
    throw new DbplaneError(
      'Dbplane.SnapshotFormat',
      `the copy of "${row.name}" holds ${sizeBytes} bytes, not the ${expected} written`,
    );
  const checksum =
    out !== undefined ? `sha256:${out.digest('hex')}` : await checksumOf(dstStore, row.location);
  await sql.completeSnapshot(deps.pool, {
    id: row.id,
    location: row.location,
    sizeBytes,
    checksum,
    compression: header.compression,
    keyArn: dstKeyring.describe(accountId, header.keyId).arn,
  });
  return { snapshot: row.name, status: 'available', sizeBytes, checksum };
}

/** The first attempt: a fresh data key under the destination key, the part plan and the store's upload. */
async function planNew(
  deps: CopyTaskDeps,
  copy: copySql.CopyRow,
  source: Header,
  plainBytes: number,
  dstKeyring: Keyring,
  location: string,
) {
  const chunkBytes = Math.min(CHUNK_BYTES, deps.partBytes);
  const perPart = Math.max(1, Math.floor(deps.partBytes / chunkBytes));
  const { headerBytes } = newHeader({
    keyring: dstKeyring,
    keyRef: copy.key_ref,
    compression: source.compression,
    chunkBytes,
  });
  const store = await deps.stores.storeFor(copy.target_region);
  const uploadId = await store.multipart.start(location);
  const planned = await copySql.planCopy(deps.pool, {
    id: copy.snapshot_id,
    header: headerBytes.toString('base64'),
    uploadId,
    partBytes: perPart * chunkBytes,
    partsTotal: Math.ceil(chunkCount(plainBytes, chunkBytes) / perPart),
  });
  if (planned.upload_id !== uploadId) await store.multipart.abort(location, uploadId); // a racing attempt planned first
  return planned;
}

/** A failed copy: its upload dropped, any file removed, the snapshot failed with the reason. */
export async function failCopy(deps: CopyTaskDeps, accountId: string, snapshotId: string, reason: string) {
  const row = await sql.findById(deps.pool, snapshotId);
  const copy = await copySql.findCopy(deps.pool, snapshotId);
  if (row === undefined || row.account_id !== accountId) return { status: 'gone' };
  if (row.status === 'available') return { snapshot: row.name, status: 'available' };
  const store = await deps.stores.storeFor(row.region).catch(() => undefined);
  if (store !== undefined && copy?.upload_id != null)
    await store.multipart.abort(row.location, copy.upload_id);
  await store?.remove(row.location);
  await sql.updateSnapshot(deps.pool, { id: row.id, status: 'failed', statusReason: reason.slice(0, 1000) });
  return { snapshot: row.name, status: 'failed' };
}
