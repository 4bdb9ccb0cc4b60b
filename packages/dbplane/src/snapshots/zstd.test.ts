import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { frameLength, frames, zstd } from './zstd.js';

const collect = async (it: AsyncIterable<Buffer>) => {
  const out: Buffer[] = [];
  for await (const b of it) out.push(b);
  return out;
};

/** A frame written by hand: single segment, 1-byte content size, one block (raw or RLE), optional checksum. */
function handFrame(block: 'raw' | 'rle', content: Buffer, checksum: boolean): Buffer {
  const descriptor = 0x20 | (checksum ? 0x04 : 0); // single segment, FCS 1 byte, no dictionary
  const type = block === 'raw' ? 0 : 1;
  const h = 1 | (type << 1) | (content.length << 3);
  const body = block === 'raw' ? content : content.subarray(0, 1);
  return Buffer.concat([
    Buffer.from([0x28, 0xb5, 0x2f, 0xfd, descriptor, content.length]),
    Buffer.from([h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff]),
    body,
    checksum ? Buffer.from([1, 2, 3, 4]) : Buffer.alloc(0),
  ]);
}

const skippable = (data: Buffer) => {
  const head = Buffer.alloc(8);
  head.writeUInt32LE(0x184d2a53, 0);
  head.writeUInt32LE(data.length, 4);
  return Buffer.concat([head, data]);
};

describe('zstd frames', () => {
  it('measures frames with raw, RLE and compressed blocks, a checksum, and skippable frames', async () => {
    const raw = handFrame('raw', Buffer.from('hello'), true);
    const rle = handFrame('rle', Buffer.alloc(40, 7), false);
    const z = zstd();
    if (z === null) throw new Error('this machine has zstd');
    const compressed = await z.compress(Buffer.from('abc'.repeat(50_000)));
    expect(frameLength(raw, 0)).toBe(raw.length);
    expect(frameLength(rle, 0)).toBe(rle.length);
    expect(frameLength(compressed, 0)).toBe(compressed.length);
    expect(frameLength(raw.subarray(0, raw.length - 1), 0)).toBe(-1); // cut inside the checksum
    const skip = skippable(Buffer.from('metadata'));
    expect(frameLength(skip, 0)).toBe(skip.length);
  });

  it('cuts a stream at any split into its frames, leaving skippable ones out', async () => {
    const z = zstd();
    if (z === null) throw new Error('this machine has zstd');
    const blocks = [randomBytes(3000), Buffer.alloc(200_000, 'x'), Buffer.from(''), randomBytes(10)];
    const compressed = await Promise.all(blocks.map((b) => z.compress(b)));
    const stream = Buffer.concat([
      compressed[0],
      skippable(Buffer.from('m')),
      ...compressed.slice(1),
    ] as Buffer[]);
    for (const cut of [1, 2, 9, 100, 4096, stream.length]) {
      const pieces: Buffer[] = [];
      for (let at = 0; at < stream.length; at += cut) pieces.push(stream.subarray(at, at + cut));
      const out = await collect(frames(Readable.from(pieces)));
      expect(out.map((f) => f.toString('hex'))).toEqual(compressed.map((f) => f.toString('hex')));
      const plain = await Promise.all(out.map((f) => z.decompress(f)));
      expect(Buffer.concat(plain).equals(Buffer.concat(blocks))).toBe(true);
    }
  });

  it('refuses a stream that is not zstd, has a reserved block type, or ends inside a frame', async () => {
    const bad = Buffer.from('not a zstd stream at all');
    await expect(collect(frames(Readable.from([bad])))).rejects.toMatchObject({
      code: 'Dbplane.SnapshotFormat',
      message: expect.stringContaining('no frame magic at byte 0'),
    });
    const reserved = handFrame('raw', Buffer.from('abc'), false);
    reserved[6] = (reserved[6] as number) | 0x06; // block type 3
    await expect(collect(frames(Readable.from([reserved])))).rejects.toThrow(/reserved block type at byte 6/);
    const whole = handFrame('raw', Buffer.from('abcdef'), false);
    await expect(collect(frames(Readable.from([whole.subarray(0, 10)])))).rejects.toThrow(
      /ends inside a frame \(10 bytes left\)/,
    );
  });
});
