import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import { DbplaneError } from '../errors/index.js';
import type { Keyring } from '../kms/keyring.js';
import type { SnapshotStore } from './store.js';
import type { Compression } from './types.js';

/**
 * The snapshot file: `DBPSNAP1`, a 4-byte header length, a JSON header
 * (compression, the wrapped data key, the IV), the AES-256-GCM ciphertext of
 * the compressed dump (the header is its additional data), the 16-byte tag.
 * The header carries all a restore needs besides the region key, so a file
 * can be copied to another store as it is.
 */
const MAGIC = Buffer.from('DBPSNAP1');
const TAG_BYTES = 16;

interface Header {
  v: 1;
  compression: Compression;
  keyId: string;
  keyVersion: number;
  wrappedKey: string;
  iv: string;
}

/** zstd when this Node has it (`zlib.createZstdCompress`, Node ≥ 22.15), else gzip. */
export function defaultCompression(): Compression {
  return typeof (zlib as { createZstdCompress?: unknown }).createZstdCompress === 'function'
    ? 'zstd'
    : 'gzip';
}

const compressor = (c: Compression): Transform =>
  c === 'zstd' ? zlib.createZstdCompress() : zlib.createGzip({ level: 6 });
const decompressor = (c: Compression): Transform =>
  c === 'zstd' ? zlib.createZstdDecompress() : zlib.createGunzip();

export interface Sealed {
  sizeBytes: number;
  /** `sha256:<hex>` of the stored bytes. */
  checksum: string;
  compression: Compression;
  keyId: string;
}

/**
 * Streams `source` (a dump) into the store under `key`: compressed, encrypted
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
  onBytes?: (n: number) => void;
}): Promise<Sealed> {
  const compression = p.compression ?? defaultCompression();
  const dataKey = randomBytes(32);
  const wrapped = p.keyring.wrap(p.keyRef, dataKey);
  const iv = randomBytes(12);
  const header: Header = {
    v: 1,
    compression,
    keyId: wrapped.keyId,
    keyVersion: wrapped.keyVersion,
    wrappedKey: wrapped.blob.toString('base64'),
    iv: iv.toString('base64'),
  };
  const headerBytes = Buffer.from(JSON.stringify(header));
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32BE(headerBytes.length);
  const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
  cipher.setAAD(headerBytes);
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
      compressor(compression),
      cipher,
      async function* frame(chunks: AsyncIterable<Buffer>) {
        const emit = (b: Buffer) => {
          hash.update(b);
          stored += b.length;
          return b;
        };
        yield emit(Buffer.concat([MAGIC, prefix, headerBytes]));
        for await (const c of chunks) yield emit(c);
        yield emit(cipher.getAuthTag());
      },
      out.stream,
    );
    await out.commit();
  } catch (err) {
    await out.abort();
    throw err;
  }
  return { sizeBytes: stored, checksum: `sha256:${hash.digest('hex')}`, compression, keyId: wrapped.keyId };
}

/** Thrown when the stored bytes do not match the recorded checksum (nothing was decrypted). */
export function checksumMismatch(key: string, expected: string, actual: string): DbplaneError {
  return new DbplaneError(
    'Dbplane.ChecksumMismatch',
    `snapshot file ${key} fails its checksum (expected ${expected}, found ${actual}): the file is corrupted; nothing was restored`,
  );
}

/** Hashes the whole stored file and compares it with `checksum` before anything is decrypted. */
export async function verify(store: SnapshotStore, key: string, checksum: string): Promise<void> {
  const hash = createHash('sha256');
  for await (const c of store.read(key)) hash.update(c as Buffer);
  const actual = `sha256:${hash.digest('hex')}`;
  if (actual !== checksum) throw checksumMismatch(key, checksum, actual);
}

async function readRange(store: SnapshotStore, key: string, start: number, end: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of store.read(key, { start, end })) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

/** The decrypted, decompressed dump of a stored file (verify it first). */
export async function open(store: SnapshotStore, key: string, keyring: Keyring): Promise<Readable> {
  const size = await store.size(key);
  if (size === undefined)
    throw new DbplaneError('Dbplane.SnapshotFileMissing', `snapshot file ${key} is missing`);
  const start = await readRange(store, key, 0, MAGIC.length + 3);
  if (!start.subarray(0, MAGIC.length).equals(MAGIC))
    throw new DbplaneError('Dbplane.SnapshotFormat', `snapshot file ${key} is not a dbplane snapshot`);
  const headerLength = start.readUInt32BE(MAGIC.length);
  const bodyStart = MAGIC.length + 4 + headerLength;
  const headerBytes = await readRange(store, key, MAGIC.length + 4, bodyStart - 1);
  const header = JSON.parse(headerBytes.toString('utf8')) as Header;
  const tag = await readRange(store, key, size - TAG_BYTES, size - 1);
  const dataKey = keyring.unwrap({
    keyId: header.keyId,
    keyVersion: header.keyVersion,
    blob: Buffer.from(header.wrappedKey, 'base64'),
  });
  const decipher = createDecipheriv('aes-256-gcm', dataKey, Buffer.from(header.iv, 'base64'));
  decipher.setAAD(headerBytes);
  decipher.setAuthTag(tag);
  const body = store.read(key, { start: bodyStart, end: size - TAG_BYTES - 1 });
  const plain = decompressor(header.compression);
  body.on('error', (err) => plain.destroy(err));
  decipher.on('error', (err) => plain.destroy(err));
  body.pipe(decipher).pipe(plain);
  return plain;
}
