import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { blockCompressor, blockDecompressor } from './compress.js';
import { zstd } from './zstd.js';

const collect = async (it: AsyncIterable<Buffer>) => {
  const out: Buffer[] = [];
  for await (const b of it) out.push(b);
  return out;
};

/** Reads `bytes` through the decompressor `open()` uses (one streaming gunzip). */
async function gunzipStream(bytes: Buffer[]): Promise<Buffer> {
  const parts: Buffer[] = [];
  await pipeline(Readable.from(bytes), createGunzip(), async (s: AsyncIterable<Buffer>) => {
    for await (const c of s) parts.push(c);
  });
  return Buffer.concat(parts);
}

/** Text with some repetition and some noise, in pieces of uneven sizes. */
function dumpOf(bytes: number): Buffer[] {
  const pieces: Buffer[] = [];
  let total = 0;
  for (let i = 0; total < bytes; i++) {
    const line = `INSERT INTO t VALUES (${i}, '${randomBytes(8).toString('hex')}', 'same text');\n`;
    const piece = Buffer.from(line.repeat(1 + (i % 97)));
    pieces.push(piece);
    total += piece.length;
  }
  return pieces;
}

describe('block compression (seal in parallel)', () => {
  it('writes one gzip member per block, in input order, that a single gunzip stream reads back', async () => {
    const pieces = dumpOf(900_000);
    const plain = Buffer.concat(pieces);
    const blockBytes = 64 * 1024;
    const compress = blockCompressor({ compression: 'gzip', level: 1, blockBytes, parallel: 4 });
    const members = await collect(compress(Readable.from(pieces)));
    expect(members.length).toBe(Math.ceil(plain.length / blockBytes));
    members.forEach((m, i) => {
      expect(m.subarray(0, 2).equals(Buffer.from([0x1f, 0x8b]))).toBe(true); // each is a gzip member
      const block = plain.subarray(i * blockBytes, (i + 1) * blockBytes);
      expect(gunzipSync(m).equals(block)).toBe(true);
    });
    expect((await gunzipStream(members)).equals(plain)).toBe(true);
    expect(Buffer.concat(members).length).toBeLessThan(plain.length / 3);
  });

  it('the level is applied: level 1 is larger than level 9 on the same text', async () => {
    const plain = Buffer.concat(dumpOf(300_000));
    const size = async (level: number) =>
      Buffer.concat(await collect(blockCompressor({ compression: 'gzip', level })(Readable.from([plain]))))
        .length;
    expect(await size(1)).toBeGreaterThan(await size(9));
  });

  it('an empty input is one member of nothing; a single-member stream (older files) reads the same way', async () => {
    const members = await collect(blockCompressor({ compression: 'gzip' })(Readable.from([])));
    expect(members.length).toBe(1);
    expect((await gunzipStream(members)).length).toBe(0);
    const plain = Buffer.concat(dumpOf(200_000));
    expect((await gunzipStream([gzipSync(plain)])).equals(plain)).toBe(true);
  });

  it('reads ahead by at most `parallel` blocks while its output is not taken (bounded memory)', async () => {
    const blockBytes = 16 * 1024;
    let read = 0;
    const source = (async function* () {
      for (let i = 0; i < 100; i++) {
        read += 4096;
        yield randomBytes(4096);
      }
    })();
    const out = blockCompressor({ compression: 'gzip', blockBytes, parallel: 2 })(source);
    await out.next();
    await new Promise((r) => setTimeout(r, 50)); // nothing pulls meanwhile
    expect(read).toBeLessThanOrEqual(3 * blockBytes);
    const rest = await collect({ [Symbol.asyncIterator]: () => out });
    expect(rest.length).toBe((100 * 4096) / blockBytes - 1);
    expect(read).toBe(100 * 4096);
  });

  it('passes on the input failing', async () => {
    const failing = (async function* () {
      yield Buffer.alloc(200_000, 1);
      throw new Error('dump died');
    })();
    await expect(
      collect(blockCompressor({ compression: 'gzip', blockBytes: 65_536 })(failing)),
    ).rejects.toThrow(/dump died/);
  });

  it('zstd: one frame per block, read back in order by the parallel decompressor', async () => {
    expect(zstd()).not.toBeNull(); // this machine has the native package (or Node's own)
    const pieces = dumpOf(700_000);
    const plain = Buffer.concat(pieces);
    const blockBytes = 64 * 1024;
    const framesOut = await collect(
      blockCompressor({ compression: 'zstd', blockBytes, parallel: 3 })(Readable.from(pieces)),
    );
    expect(framesOut.length).toBe(Math.ceil(plain.length / blockBytes));
    for (const f of framesOut) expect(f.readUInt32LE(0)).toBe(0xfd2fb528);
    const stored = Buffer.concat(framesOut);
    expect(stored.length).toBeLessThan(plain.length / 3);
    // read back from uneven pieces, as a decrypted file arrives
    const uneven: Buffer[] = [];
    let at = 0;
    for (const n of [1, 7, 5000, 70_000, stored.length]) {
      uneven.push(stored.subarray(at, at + n));
      at += n;
    }
    const decompress = blockDecompressor('zstd', 2);
    if (typeof decompress !== 'function') throw new Error('zstd reads through a generator');
    expect(Buffer.concat(await collect(decompress(Readable.from(uneven)))).equals(plain)).toBe(true);
  });

  it('compresses a piece of half a block or more as it is, after the small pieces gathered before it', async () => {
    const pieces = [
      Buffer.alloc(512, 1),
      randomBytes(64 * 1024),
      Buffer.alloc(20_000, 2),
      Buffer.alloc(300, 3),
    ];
    const out = await collect(
      blockCompressor({ compression: 'zstd', blockBytes: 64 * 1024 })(Readable.from(pieces)),
    );
    expect(out.length).toBe(3); // [512], [64 KiB], [20,000 + 300]
    const z = zstd();
    if (z === null) throw new Error('this machine has zstd');
    const plain = await Promise.all(out.map((f) => z.decompress(f)));
    expect(plain.map((p) => p.length)).toEqual([512, 65_536, 20_300]);
    expect(Buffer.concat(plain).equals(Buffer.concat(pieces))).toBe(true);
  });

  it('zstd: the level is applied (level 1 is larger than level 19)', async () => {
    // the same bytes every run (random ones made 1 against 9 a coin toss now and then)
    let x = 12345;
    const lines: string[] = [];
    for (let i = 0; lines.length < 6000; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      lines.push(
        `INSERT INTO t VALUES (${i}, '${x.toString(16)}', 'row ${i % 97} of a table', ${x % 1000});`,
      );
    }
    const plain = Buffer.from(lines.join('\n'));
    const size = async (level: number) =>
      Buffer.concat(await collect(blockCompressor({ compression: 'zstd', level })(Readable.from([plain]))))
        .length;
    expect(await size(1)).toBeGreaterThan(await size(19));
  });
});
