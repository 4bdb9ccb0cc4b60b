import { createRequire } from 'node:module';
import * as zlib from 'node:zlib';
import { DbplaneError } from '../errors/index.js';

/**
 * zstd for snapshot files, from the first of: node:zlib's own (Node ≥ 22.15),
 * or the prebuilt native `@mongodb-js/zstd` (shipped inside its npm platform
 * packages, so it installs with no compiler and no download). Both run off
 * the main thread (libuv's pool), one block at a time, so blocks compress on
 * every core. `null` when neither loads: snapshots are then gzip.
 *
 * The stream a file holds is standard zstd frames one after another (one per
 * block), so `zstd -d` reads it, and `frames()` cuts it back into frames that
 * decompress in parallel.
 */
export interface ZstdCodec {
  compress(block: Buffer, level?: number): Promise<Buffer>;
  decompress(frame: Buffer): Promise<Buffer>;
}

/** zstd's own default level. */
export const DEFAULT_ZSTD_LEVEL = 3;

type Callback = (e: Error | null, r: Buffer) => void;
interface ZlibZstd {
  zstdCompress?: (b: Buffer, o: object, cb: Callback) => void;
  zstdDecompress?: (b: Buffer, o: object, cb: Callback) => void;
  constants: Record<string, number>;
}

function fromZlib(): ZstdCodec | null {
  const z = zlib as unknown as ZlibZstd;
  const { zstdCompress, zstdDecompress } = z;
  if (zstdCompress === undefined || zstdDecompress === undefined) return null;
  const levelKey = z.constants.ZSTD_c_compressionLevel ?? 100;
  const call = (f: typeof zstdCompress, b: Buffer, o: object) =>
    new Promise<Buffer>((ok, fail) => f(b, o, (e, r) => (e ? fail(e) : ok(r))));
  return {
    compress: (b, level) =>
      call(zstdCompress, b, level === undefined ? {} : { params: { [levelKey]: level } }),
    decompress: (b) => call(zstdDecompress, b, {}),
  };
}

/**
 * The native package's napi binding itself: its 1.x `compress` wrapper drops
 * the level, the binding takes one (3, zstd's default, when absent). Its
 * errors carry no stack, so they are rethrown as errors that do.
 */
function fromPackage(): ZstdCodec | null {
  let native: {
    compress(b: Buffer, level?: number): Promise<Buffer>;
    decompress(b: Buffer): Promise<Buffer>;
  };
  try {
    native = createRequire(import.meta.url)('@mongodb-js/zstd/bindings.js');
  } catch {
    return null; // no binary for this platform
  }
  const wrapped = (p: Promise<Buffer>) =>
    p.catch((e: unknown) => {
      throw new Error(`zstd: ${(e as Error).message}`);
    });
  return {
    compress: (b, level) => wrapped(native.compress(b, level ?? DEFAULT_ZSTD_LEVEL)),
    decompress: (b) => wrapped(native.decompress(b)),
  };
}

let codec: ZstdCodec | null | undefined;

/** This process's zstd, or null when it has none. */
export function zstd(): ZstdCodec | null {
  if (codec === undefined) codec = fromZlib() ?? fromPackage();
  return codec;
}

const MAGIC = 0xfd2fb528;
const isSkippable = (magic: number) => (magic & 0xfffffff0) === 0x184d2a50;

const badFrame = (why: string) =>
  new DbplaneError('Dbplane.SnapshotFormat', `the snapshot's zstd stream is damaged: ${why}`);

/** Bytes of the frame header after the magic (RFC 8878 §3.1.1.1). */
function headerLength(descriptor: number): number {
  const fcsFlag = descriptor >> 6;
  const singleSegment = (descriptor >> 5) & 1;
  const dictionaryBytes = [0, 1, 2, 4][descriptor & 3] as number;
  const fcsBytes = [singleSegment, 2, 4, 8][fcsFlag] as number;
  return 1 + (singleSegment ? 0 : 1) + dictionaryBytes + fcsBytes;
}

/**
 * The length of the frame starting at `at` in `b`, or -1 when `b` ends
 * before it does. Walks block headers only; nothing is decompressed.
 */
export function frameLength(b: Buffer, at: number): number {
  if (b.length - at < 8) return -1;
  const magic = b.readUInt32LE(at);
  if (isSkippable(magic)) {
    const end = at + 8 + b.readUInt32LE(at + 4);
    return end <= b.length ? end - at : -1;
  }
  if (magic !== MAGIC) throw badFrame(`no frame magic at byte ${at}`);
  const descriptor = b[at + 4] as number;
  if ((descriptor & 0x08) !== 0) throw badFrame(`reserved header bit set at byte ${at + 4}`);
  let i = at + 4 + headerLength(descriptor);
  for (;;) {
    if (i + 3 > b.length) return -1;
    const h = (b[i] as number) | ((b[i + 1] as number) << 8) | ((b[i + 2] as number) << 16);
    const type = (h >> 1) & 3;
    if (type === 3) throw badFrame(`reserved block type at byte ${i}`);
    i += 3 + (type === 1 ? 1 : h >>> 3);
    if ((h & 1) !== 0) break;
  }
  if ((descriptor & 0x04) !== 0) i += 4;
  return i <= b.length ? i - at : -1;
}

/** Cuts a stream of concatenated zstd frames into whole frames (skippable frames dropped). */
export async function* frames(input: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let held: Buffer = Buffer.alloc(0);
  for await (const piece of input) {
    held = held.length === 0 ? piece : Buffer.concat([held, piece]);
    let at = 0;
    for (let n = frameLength(held, at); n > 0; n = frameLength(held, at)) {
      if (!isSkippable(held.readUInt32LE(at))) yield held.subarray(at, at + n);
      at += n;
    }
    held = held.subarray(at);
  }
  if (held.length > 0) throw badFrame(`the stream ends inside a frame (${held.length} bytes left)`);
}
