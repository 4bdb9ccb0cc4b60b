import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Keyring } from '../kms/keyring.js';
import type { Compression } from './types.js';

/**
 * The chunked body of a version 2 snapshot file: the compressed dump cut
 * into chunks of `chunkBytes` (the last one shorter, or empty for an empty
 * dump), each sealed with AES-256-GCM under the file's data key, its nonce
 * the file's IV with the chunk index XORed into its last 4 bytes, its
 * additional data the header bytes, the index and whether it is the last
 * (so a file cut at a chunk boundary fails). A chunk is decrypted on its own,
 * so a copy can resume at any chunk and a reader can start anywhere.
 */
export const TAG_BYTES = 16;
export const DEFAULT_CHUNK_BYTES = 1024 * 1024;

export interface HeaderV1 {
  v: 1;
  compression: Compression;
  keyId: string;
  keyVersion: number;
  wrappedKey: string;
  iv: string;
}
export interface HeaderV2 extends Omit<HeaderV1, 'v'> {
  v: 2;
  chunkBytes: number;
}
export type Header = HeaderV1 | HeaderV2;

/** A fresh data key wrapped by `keyRef`, and the version 2 header that carries it. */
export function newHeader(p: {
  keyring: Keyring;
  keyRef: string;
  compression: Compression;
  chunkBytes?: number;
}): { header: HeaderV2; headerBytes: Buffer; dataKey: Buffer } {
  const dataKey = randomBytes(32);
  const wrapped = p.keyring.wrap(p.keyRef, dataKey);
  const header: HeaderV2 = {
    v: 2,
    compression: p.compression,
    keyId: wrapped.keyId,
    keyVersion: wrapped.keyVersion,
    wrappedKey: wrapped.blob.toString('base64'),
    iv: randomBytes(12).toString('base64'),
    chunkBytes: p.chunkBytes ?? DEFAULT_CHUNK_BYTES,
  };
  return { header, headerBytes: Buffer.from(JSON.stringify(header)), dataKey };
}

/** The data key of a file, unwrapped by the keyring of the file's region. */
export const dataKeyOf = (keyring: Keyring, h: Header): Buffer =>
  keyring.unwrap({ keyId: h.keyId, keyVersion: h.keyVersion, blob: Buffer.from(h.wrappedKey, 'base64') });

const nonce = (iv: Buffer, index: number) => {
  const n = Buffer.from(iv);
  n.writeUInt32BE((n.readUInt32BE(8) ^ index) >>> 0, 8);
  return n;
};
const aad = (headerBytes: Buffer, index: number, last: boolean) => {
  const tail = Buffer.alloc(5);
  tail.writeUInt32BE(index);
  tail[4] = last ? 1 : 0;
  return Buffer.concat([headerBytes, tail]);
};

/** The key material and header a chunk is sealed with. */
export interface ChunkKey {
  dataKey: Buffer;
  iv: Buffer;
  headerBytes: Buffer;
}

/** Chunk `index` sealed: its ciphertext then its 16-byte tag. */
export function sealChunk(k: ChunkKey, index: number, last: boolean, plain: Buffer): Buffer {
  const c = createCipheriv('aes-256-gcm', k.dataKey, nonce(k.iv, index));
  c.setAAD(aad(k.headerBytes, index, last));
  return Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
}

/** Chunk `index` opened; throws when it, its place or the header was altered. */
export function openChunk(k: ChunkKey, index: number, last: boolean, sealed: Buffer): Buffer {
  const d = createDecipheriv('aes-256-gcm', k.dataKey, nonce(k.iv, index));
  d.setAAD(aad(k.headerBytes, index, last));
  d.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  return Buffer.concat([d.update(sealed.subarray(0, sealed.length - TAG_BYTES)), d.final()]);
}

/** How many chunks a body of `plainBytes` has (an empty one has one, empty). */
export const chunkCount = (plainBytes: number, chunkBytes: number) =>
  Math.max(1, Math.ceil(plainBytes / chunkBytes));

/** The plaintext length of a version 2 body of `bodyBytes` stored bytes. */
export function plainLengthOf(bodyBytes: number, chunkBytes: number): number {
  const chunks = Math.max(1, Math.ceil(bodyBytes / (chunkBytes + TAG_BYTES)));
  return bodyBytes - chunks * TAG_BYTES;
}
