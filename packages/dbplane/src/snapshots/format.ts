import { createDecipheriv, createHash, type Hash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DbplaneError } from '../errors/index.js';
import type { Keyring } from '../kms/keyring.js';
import {
  type ChunkKey,
  chunkCount,
  dataKeyOf,
  type Header,
  newHeader,
  openChunk,
  plainLengthOf,
  sealChunk,
  TAG_BYTES,
} from './chunks.js';
import { blockCompressor, blockDecompressor } from './compress.js';
import type { SnapshotStore } from './store.js';
import type { Compression } from './types.js';
import { zstd } from './zstd.js';

/**
 * The snapshot file: `DBPSNAP1`, a 4-byte header length, a JSON header
 * (version, compression, the wrapped data key, the IV), then the body.
 * Version 2 (written now): the compressed dump in chunks, each sealed with
 * AES-256-GCM on its own (`chunks.ts`). Version 1 (still read): one
 * AES-256-GCM ciphertext of the whole compressed dump (the header is its
 * additional data), then its 16-byte tag. The header carries all a restore
 * needs besides the region key, so a file can be copied to another store as
 * it is.
 */
const MAGIC = Buffer.from('DBPSNAP1');

/** zstd when this process has it (`zstd.ts`), else gzip. */
export function defaultCompression(): Compression {
  return zstd() === null ? 'gzip' : 'zstd';
}

export interface Sealed {
  sizeBytes: number;
  /** `sha256:<hex>` of the stored bytes. */
  checksum: string;
  compression: Compression;
  keyId: string;
}

/** The bytes before the body: magic, header length, header. */
export function filePrefix(headerBytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(headerBytes.length);
  return Buffer.concat([MAGIC, length, headerBytes]);
}

/** Cuts a stream into chunks of `k`'s size and seals each (the last one flagged). */
function chunker(k: ChunkKey, chunkBytes: number) {
  return async function* chunk(input: AsyncIterable<Buffer>) {
    let pending: Buffer = Buffer.alloc(0);
    let index = 0;
    for await (const c of input) {
      pending = pending.length === 0 ? c : Buffer.concat([pending, c]);
      while (pending.length > chunkBytes) {
        yield sealChunk(k, index++, false, pending.subarray(0, chunkBytes));
        pending = pending.subarray(chunkBytes);
      }
    }
    yield sealChunk(k, index, true, pending);
  };
}

/**
 * Streams `source` (a dump) into the store under `key`: compressed (in
 * blocks, on every core), encrypted
 * with a fresh data key wrapped by `keyRef`, hashed as it is written.
 * `onBytes` sees the count of dump bytes read so far.
 */
export async function seal(p: {
  source: Readable;
  store: SnapshotStore;
  key: string;
  keyring: Keyring;
  keyRef: string;
  compression?: Compression;
  /** gzip 1–9 (zstd: its level); 6 when absent. Blocks are compressed in parallel (`compress.ts`). */
  compressionLevel?: number;
  onBytes?: (n: number) => void;
}): Promise<Sealed> {
  const compression = p.compression ?? defaultCompression();
  const { header, headerBytes, dataKey } = newHeader({ keyring: p.keyring, keyRef: p.keyRef, compression });
  const k = { dataKey, iv: Buffer.from(header.iv, 'base64'), headerBytes };
  const hash = createHash('sha256');
  let stored = 0;
  let read = 0;
  const out = await p.store.create(p.key);
  try {
    await pipeline(
      p.source,
      async function* count(chunks: AsyncIterable<Buffer>) {
        for await (const c of chunks) {
          read += c.length;
          p.onBytes?.(read);
          yield c;
        }
      },
      blockCompressor({ compression, level: p.compressionLevel }),
      chunker(k, header.chunkBytes),
      async function* frame(chunks: AsyncIterable<Buffer>) {
        const emit = (b: Buffer) => {
          hash.update(b);
          stored += b.length;
          return b;
        };
        yield emit(filePrefix(headerBytes));
        for await (const c of chunks) yield emit(c);
      },
      out.stream,
    );
    await out.commit();
  } catch (err) {
    await out.abort();
    throw err;
  }
  return { sizeBytes: stored, checksum: `sha256:${hash.digest('hex')}`, compression, keyId: header.keyId };
}

/** Thrown when the stored bytes do not match the recorded checksum (nothing was decrypted). */
export function checksumMismatch(key: string, expected: string, actual: string): DbplaneError {
  return new DbplaneError(
    'Dbplane.ChecksumMismatch',
    `snapshot file ${key} fails its checksum (expected ${expected}, found ${actual}): the file is corrupted; nothing was restored`,
  );
}

/** `sha256:<hex>` of the whole stored file. */
export async function checksumOf(store: SnapshotStore, key: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const c of store.read(key)) hash.update(c as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

/** Hashes the whole stored file and compares it with `checksum` before anything is decrypted. */
export async function verify(store: SnapshotStore, key: string, checksum: string): Promise<void> {
  const actual = await checksumOf(store, key);
  if (actual !== checksum) throw checksumMismatch(key, checksum, actual);
}

async function readRange(store: SnapshotStore, key: string, start: number, end: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of store.read(key, { start, end })) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

/** A stored file's header, where its body starts, its size and the length of its (compressed) plaintext. */
export interface FileInfo {
  header: Header;
  headerBytes: Buffer;
  bodyStart: number;
  size: number;
  plainBytes: number;
}

const formatError = (key: string, why: string) =>
  new DbplaneError('Dbplane.SnapshotFormat', `snapshot file ${key} ${why}`);

/** Reads and checks the header of a stored file (version 1 or 2). */
export async function readFileInfo(store: SnapshotStore, key: string): Promise<FileInfo> {
  const size = await store.size(key);
  if (size === undefined)
    throw new DbplaneError('Dbplane.SnapshotFileMissing', `snapshot file ${key} is missing`);
  const start = await readRange(store, key, 0, Math.min(size, MAGIC.length + 4) - 1);
  if (start.length < MAGIC.length + 4 || !start.subarray(0, MAGIC.length).equals(MAGIC))
    throw formatError(key, 'is not a dbplane snapshot');
  const bodyStart = MAGIC.length + 4 + start.readUInt32BE(MAGIC.length);
  if (bodyStart + TAG_BYTES > size) throw formatError(key, 'is cut short');
  const headerBytes = await readRange(store, key, MAGIC.length + 4, bodyStart - 1);
  const header = JSON.parse(headerBytes.toString('utf8')) as Header;
  if (header.v !== 1 && header.v !== 2)
    throw formatError(key, `has an unknown version ${String((header as { v: unknown }).v)}`);
  const body = size - bodyStart;
  const plainBytes = header.v === 1 ? body - TAG_BYTES : plainLengthOf(body, header.chunkBytes);
  return { header, headerBytes, bodyStart, size, plainBytes };
}

/** Version 1: one GCM stream; the bytes before `from` are decrypted and dropped (the tag covers them all). */
function openV1(
  store: SnapshotStore,
  key: string,
  info: FileInfo,
  dataKey: Buffer,
  tag: Buffer,
  from: number,
) {
  const decipher = createDecipheriv('aes-256-gcm', dataKey, Buffer.from(info.header.iv, 'base64'));
  decipher.setAAD(info.headerBytes);
  decipher.setAuthTag(tag);
  const body = store.read(key, { start: info.bodyStart, end: info.size - TAG_BYTES - 1 });
  body.on('error', (err) => decipher.destroy(err));
  let skip = from;
  return Readable.from(
    (async function* plain() {
      for await (const c of body.pipe(decipher)) {
        const b = c as Buffer;
        if (skip >= b.length) skip -= b.length;
        else {
          yield b.subarray(skip);
          skip = 0;
        }
      }
    })(),
  );
}

/** Every byte of `stored` into `hash`; only those from `start` on passed on (the file is read once). */
async function* hashedFrom(stored: AsyncIterable<Buffer>, hash: Hash, start: number) {
  let skip = start;
  for await (const c of stored) {
    hash.update(c);
    if (skip >= c.length) skip -= c.length;
    else {
      yield c.subarray(skip);
      skip = 0;
    }
  }
}

/** Version 2: starts at the chunk holding `from`; every chunk is authenticated on its own. */
function openV2(
  store: SnapshotStore,
  key: string,
  info: FileInfo,
  dataKey: Buffer,
  from: number,
  hash: Hash | undefined,
) {
  if (info.header.v !== 2) throw new Error('not a version 2 file');
  const chunkBytes = info.header.chunkBytes;
  const record = chunkBytes + TAG_BYTES;
  const chunks = chunkCount(info.plainBytes, chunkBytes);
  const k = { dataKey, iv: Buffer.from(info.header.iv, 'base64'), headerBytes: info.headerBytes };
  let index = Math.min(Math.floor(from / chunkBytes), chunks - 1);
  let skip = from - index * chunkBytes;
  const start = info.bodyStart + index * record;
  const body =
    hash === undefined
      ? store.read(key, { start, end: info.size - 1 })
      : hashedFrom(store.read(key, { start: 0, end: info.size - 1 }), hash, start);
  return Readable.from(
    (async function* plain() {
      let held: Buffer[] = [];
      let length = 0;
      const open = (sealed: Buffer) => {
        const out = openChunk(k, index, index === chunks - 1, sealed);
        index += 1;
        const part = out.subarray(Math.min(skip, out.length));
        skip = 0;
        return part;
      };
      for await (const c of body) {
        held.push(c as Buffer);
        length += (c as Buffer).length;
        if (length < record) continue;
        let pending = Buffer.concat(held, length); // once per record, not once per read
        while (pending.length > record || (pending.length === record && index < chunks - 1)) {
          yield open(pending.subarray(0, record));
          pending = pending.subarray(record);
        }
        held = [pending];
        length = pending.length;
      }
      const last = Buffer.concat(held, length);
      if (index !== chunks - 1 || last.length < TAG_BYTES) throw formatError(key, 'is cut short');
      yield open(last);
    })(),
  );
}

/**
 * The decrypted, still compressed body of a stored file from byte `from` of
 * it (verify the file's checksum first): what a copy re-encrypts as it is.
 * With `hash` (version 2 only), the whole file is read once and every stored
 * byte, those before `from` too, goes into it: a copy checks the checksum at
 * the end instead of reading the file twice.
 */
export async function openCompressed(
  store: SnapshotStore,
  key: string,
  keyring: Keyring,
  from = 0,
  hash?: Hash,
): Promise<{ stream: Readable; info: FileInfo }> {
  const info = await readFileInfo(store, key);
  const dataKey = dataKeyOf(keyring, info.header);
  if (info.header.v === 2) return { stream: openV2(store, key, info, dataKey, from, hash), info };
  if (hash !== undefined) throw new Error('hashing while reading needs a version 2 file');
  const tag = await readRange(store, key, info.size - TAG_BYTES, info.size - 1);
  return { stream: openV1(store, key, info, dataKey, tag, from), info };
}

/** The decrypted, decompressed dump of a stored file (verify it first). */
export async function open(store: SnapshotStore, key: string, keyring: Keyring): Promise<Readable> {
  const { stream, info } = await openCompressed(store, key, keyring);
  const decompress = blockDecompressor(info.header.compression);
  if (typeof decompress === 'function') return Readable.from(decompress(stream));
  stream.on('error', (err) => decompress.destroy(err));
  stream.pipe(decompress);
  return decompress;
}
