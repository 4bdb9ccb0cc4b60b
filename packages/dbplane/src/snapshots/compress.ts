import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import type { Compression } from './types.js';

/**
 * Parallel compression for `seal()`: the plaintext is cut into blocks, each
 * compressed on its own by node:zlib's async API (libuv's threadpool, so the
 * blocks of one stream use every core) and emitted in order. Concatenated
 * gzip members (or zstd frames) are one valid stream: `zlib.createGunzip()`
 * (and `createZstdDecompress()`) read it as they read a single member, so
 * the file format and `open()` are unchanged.
 */
export const BLOCK_BYTES = 1024 * 1024;

/** gzip level 6 (zlib's default) unless told; physical snapshots pass a fast level. */
export const DEFAULT_LEVEL = 6;

type Codec = (block: Buffer) => Promise<Buffer>;

const gzipAsync = promisify(zlib.gzip) as (b: Buffer, o: zlib.ZlibOptions) => Promise<Buffer>;

function codecOf(compression: Compression, level: number | undefined): Codec {
  if (compression === 'zstd') {
    const z = zlib as unknown as {
      zstdCompress: (b: Buffer, o: object, cb: (e: Error | null, r: Buffer) => void) => void;
      constants: Record<string, number>;
    };
    const key = z.constants.ZSTD_c_compressionLevel ?? 100;
    const options = level === undefined ? {} : { params: { [key]: level } };
    return (b) => new Promise((ok, fail) => z.zstdCompress(b, options, (e, r) => (e ? fail(e) : ok(r))));
  }
  return (b) => gzipAsync(b, { level: level ?? DEFAULT_LEVEL });
}

export interface BlockOptions {
  compression: Compression;
  /** gzip 1–9 or zstd's level; the codec's default when absent. */
  level?: number | undefined;
  blockBytes?: number | undefined;
  /** Blocks compressed at once (and the most held in memory): `os.availableParallelism()` by default. */
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
  const parallel = Math.max(1, o.parallel ?? availableParallelism());
  return async function* compress(input: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
    const inFlight: Promise<Buffer>[] = [];
    let started = 0;
    const start = (block: Buffer) => {
      const p = codec(block);
      p.catch(() => {}); // awaited in order below; a later block failing first is not unhandled
      inFlight.push(p);
      started += 1;
    };
    let held: Buffer[] = [];
    let length = 0;
    for await (const piece of input) {
      const c = typeof piece === 'string' ? Buffer.from(piece) : piece;
      held.push(c);
      length += c.length;
      if (length < blockBytes) continue;
      let all = Buffer.concat(held, length); // once per block, not once per read
      while (all.length >= blockBytes) {
        start(all.subarray(0, blockBytes));
        all = all.subarray(blockBytes);
        while (inFlight.length >= parallel) yield await (inFlight.shift() as Promise<Buffer>);
      }
      held = all.length === 0 ? [] : [all];
      length = all.length;
    }
    if (length > 0 || started === 0) start(Buffer.concat(held, length));
    while (inFlight.length > 0) yield await (inFlight.shift() as Promise<Buffer>);
  };
}
