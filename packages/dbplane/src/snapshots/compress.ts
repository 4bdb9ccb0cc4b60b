import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { DbplaneError } from '../errors/index.js';
import type { Compression } from './types.js';
import { frames, zstd } from './zstd.js';

/**
 * Parallel compression for `seal()`: the plaintext is cut into blocks, each
 * compressed on its own off the main thread (node:zlib's async API and the
 * native zstd both use libuv's threadpool, so the blocks of one stream use
 * every core) and emitted in order. Concatenated gzip members (or zstd
 * frames) are one valid stream: `zlib.createGunzip()` (and `zstd -d`) read
 * it as they read a single member, so the file format is unchanged; zstd
 * frames are cut apart again and decompressed in parallel too.
 */
export const BLOCK_BYTES = 1024 * 1024;

/** gzip level 6 (zlib's default) unless told; physical snapshots pass a fast level. */
export const DEFAULT_LEVEL = 6;

type Codec = (block: Buffer) => Promise<Buffer>;

const gzipAsync = promisify(zlib.gzip) as (b: Buffer, o: zlib.ZlibOptions) => Promise<Buffer>;

const noZstd = () =>
  new DbplaneError(
    'Dbplane.CompressionUnavailable',
    'this snapshot is zstd-compressed but this dbplane has no zstd (Node.js >= 22.15, or the @mongodb-js/zstd package for this platform)',
  );

function codecOf(compression: Compression, level: number | undefined): Codec {
  if (compression === 'zstd') {
    const z = zstd();
    if (z === null) throw noZstd();
    return (b) => z.compress(b, level);
  }
  return (b) => gzipAsync(b, { level: level ?? DEFAULT_LEVEL });
}

/**
 * `fn` over `input`, at most `parallel` calls in flight, results yielded in
 * input order (and no more than `parallel` held while nothing takes them).
 */
async function* inOrder(input: AsyncIterable<Buffer>, fn: Codec, parallel: number): AsyncGenerator<Buffer> {
  const inFlight: Promise<Buffer>[] = [];
  for await (const item of input) {
    const p = fn(item);
    p.catch(() => {}); // awaited in order below; a later one failing first is not unhandled
    inFlight.push(p);
    while (inFlight.length >= parallel) yield await (inFlight.shift() as Promise<Buffer>);
  }
  while (inFlight.length > 0) yield await (inFlight.shift() as Promise<Buffer>);
}

/**
 * Cuts a stream into blocks of about `blockBytes` (an empty stream is one
 * empty block): small pieces are gathered and cut at `blockBytes`, a piece
 * of half a block or more is a block as it is (a file read in 1 MiB reads
 * is compressed without one more copy), after what was gathered before it.
 */
async function* blocks(input: AsyncIterable<Buffer | string>, blockBytes: number): AsyncGenerator<Buffer> {
  let held: Buffer[] = [];
  let length = 0;
  let cut = 0;
  for await (const piece of input) {
    const c = typeof piece === 'string' ? Buffer.from(piece) : piece;
    if (c.length >= blockBytes / 2 && c.length <= 2 * blockBytes) {
      if (length > 0) yield Buffer.concat(held, length);
      [held, length, cut] = [[], 0, cut + 1];
      yield c;
      continue;
    }
    held.push(c);
    length += c.length;
    if (length < blockBytes) continue;
    let all = Buffer.concat(held, length); // once per block, not once per read
    for (; all.length >= blockBytes; cut++) {
      yield all.subarray(0, blockBytes);
      all = all.subarray(blockBytes);
    }
    held = all.length === 0 ? [] : [all];
    length = all.length;
  }
  if (length > 0 || cut === 0) yield Buffer.concat(held, length);
}

export interface BlockOptions {
  compression: Compression;
  /** gzip 1–9 or zstd's level; the codec's default when absent. */
  level?: number | undefined;
  blockBytes?: number | undefined;
  /**
   * Blocks compressed at once (and the most held in memory): one more than
   * `os.availableParallelism()` by default, so that a core is never idle
   * while the main thread hashes, encrypts and writes (on 2 cores, a data
   * directory at zstd level 1: ~300 MB/s against ~240 with one per core).
   */
  parallel?: number | undefined;
}

/**
 * A pipeline stage: the input compressed in blocks of `blockBytes`, at most
 * `parallel` in flight, yielded in input order (an empty input is one
 * compressed empty block, so the output is never empty).
 */
export function blockCompressor(o: BlockOptions) {
  const codec = codecOf(o.compression, o.level);
  const blockBytes = o.blockBytes ?? BLOCK_BYTES;
  const parallel = Math.max(1, o.parallel ?? availableParallelism() + 1);
  return (input: AsyncIterable<Buffer | string>) => inOrder(blocks(input, blockBytes), codec, parallel);
}

/**
 * A pipeline stage reading what `blockCompressor` wrote: zstd frames cut
 * apart and decompressed in parallel, in order; gzip as one stream (zlib's
 * streaming gunzip is as fast as the copy behind it, and older files are one
 * member).
 */
export function blockDecompressor(compression: Compression, parallel = availableParallelism()) {
  if (compression === 'gzip') return zlib.createGunzip();
  const z = zstd();
  if (z === null) throw noZstd();
  return (input: AsyncIterable<Buffer>) =>
    inOrder(frames(input), (f) => z.decompress(f), Math.max(1, parallel));
}
