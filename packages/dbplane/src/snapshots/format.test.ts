import { createCipheriv, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { createKeyring, DEFAULT_ALIAS } from '../kms/keyring.js';
import { DEFAULT_CHUNK_BYTES } from './chunks.js';
import {
  defaultCompression,
  filePrefix,
  open,
  openCompressed,
  readFileInfo,
  seal,
  verify,
} from './format.js';
import { createDirectoryStore } from './store.js';
import { dumpProgress, locateTool } from './tools.js';

const text = async (r: Readable) => {
  const parts: Buffer[] = [];
  for await (const c of r) parts.push(c as Buffer);
  return Buffer.concat(parts);
};

describe('the snapshot file: compressed, encrypted, checksummed', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dbplane-snapfmt-'));
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const store = createDirectoryStore(join(dir, 'store'));
  const keyring = createKeyring({ dataDir: dir, region: 'local-1' });
  const dump = Buffer.from('CREATE TABLE t (secret text);\n'.repeat(5000));

  for (const compression of ['gzip', ...(defaultCompression() === 'zstd' ? ['zstd' as const] : [])] as const)
    it(`round-trips a dump (${compression}); the stored bytes hold no plaintext`, async () => {
      let seen = 0;
      const s = await seal({
        source: Readable.from([dump.subarray(0, 1000), dump.subarray(1000)]),
        store,
        key: `a/${compression}.snap`,
        keyring,
        keyRef: DEFAULT_ALIAS,
        compression,
        onBytes: (n) => {
          seen = n;
        },
      });
      expect(seen).toBe(dump.length);
      const stored = await readFile(join(dir, 'store', `a/${compression}.snap`));
      expect(s.sizeBytes).toBe(stored.length);
      expect(s.sizeBytes).toBeLessThan(dump.length / 10);
      expect(stored.includes('CREATE TABLE')).toBe(false);
      await verify(store, `a/${compression}.snap`, s.checksum);
      expect((await text(await open(store, `a/${compression}.snap`, keyring))).equals(dump)).toBe(true);
    });

  it('refuses a flipped byte at verify, and decryption alone would also fail (GCM tag)', async () => {
    const s = await seal({
      source: Readable.from([dump]),
      store,
      key: 'a/x.snap',
      keyring,
      keyRef: DEFAULT_ALIAS,
    });
    const file = join(dir, 'store', 'a/x.snap');
    const bytes = await readFile(file);
    bytes[bytes.length - 40] = (bytes[bytes.length - 40] ?? 0) ^ 0xff;
    await writeFile(file, bytes);
    await expect(verify(store, 'a/x.snap', s.checksum)).rejects.toMatchObject({
      code: 'Dbplane.ChecksumMismatch',
      message: expect.stringMatching(/fails its checksum/),
    });
    await expect(text(await open(store, 'a/x.snap', keyring))).rejects.toThrow();
  });

  it('leaves nothing under the key when the source fails midway', async () => {
    const failing = Readable.from(
      (async function* () {
        yield dump;
        throw new Error('dump died');
      })(),
    );
    await expect(
      seal({ source: failing, store, key: 'a/broken.snap', keyring, keyRef: DEFAULT_ALIAS }),
    ).rejects.toThrow(/dump died/);
    expect(await store.size('a/broken.snap')).toBeUndefined();
  });

  it('seals a dump of several compression blocks at the gzip level asked, and opens it whole', async () => {
    const big = Buffer.concat(
      Array.from({ length: 24 }, (_, i) => Buffer.concat([dump, randomBytes(99 + i)])),
    ); // 3.6 MB: 4 blocks
    const sizes: number[] = [];
    for (const compressionLevel of [1, 9]) {
      const key = `a/level-${compressionLevel}.snap`;
      const s = await seal({
        source: Readable.from([big]),
        store,
        key,
        keyring,
        keyRef: DEFAULT_ALIAS,
        compression: 'gzip', // the native zstd has one level
        compressionLevel,
      });
      expect((await text(await open(store, key, keyring))).equals(big)).toBe(true);
      sizes.push(s.sizeBytes);
    }
    expect(sizes[0]).toBeGreaterThan(sizes[1] ?? 0);
  });

  it('names what to install when the dump tool is missing', async () => {
    await expect(locateTool('postgres', 'dump', [dir])).rejects.toMatchObject({
      code: 'Dbplane.ToolNotFound',
      message: expect.stringMatching(/no pg_dump found .*apt-get install postgresql-client/),
    });
    await expect(locateTool('mysql', 'load', [])).rejects.toThrow(
      /no mariadb or mysql found .*mariadb-client/,
    );
  });
});

describe('dump progress', () => {
  it('runs from 5 to 95 with the bytes read, and stays at 5 without an estimate', () => {
    expect(dumpProgress(0, 1000)).toBe(5);
    expect(dumpProgress(500, 1000)).toBe(50);
    expect(dumpProgress(5000, 1000)).toBe(95);
    expect(dumpProgress(5000, undefined)).toBe(5);
    expect(dumpProgress(5000, 0)).toBe(5);
  });
});

describe('the chunked file (version 2) and version 1 files', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dbplane-snapv2-'));
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const store = createDirectoryStore(join(dir, 'store'));
  const keyring = createKeyring({ dataDir: dir, region: 'local-1' });
  // incompressible, so the compressed body spans several 1 MiB chunks
  const dump = randomBytes(2 * DEFAULT_CHUNK_BYTES + 12_345);
  const sealed = await seal({
    source: Readable.from([dump]),
    store,
    key: 'a/big.snap',
    keyring,
    keyRef: DEFAULT_ALIAS,
    compression: 'gzip',
  });
  const file = join(dir, 'store', 'a/big.snap');
  const whole = await readFile(file);
  const compressed = await text((await openCompressed(store, 'a/big.snap', keyring)).stream);

  it('round-trips, and reads the compressed body from any offset (a copy resumes there)', async () => {
    expect(sealed.sizeBytes).toBe(whole.length);
    expect((await text(await open(store, 'a/big.snap', keyring))).equals(dump)).toBe(true);
    const info = await readFileInfo(store, 'a/big.snap');
    expect(info.header.v).toBe(2);
    expect(info.plainBytes).toBe(compressed.length);
    expect(compressed.length).toBeGreaterThan(2 * DEFAULT_CHUNK_BYTES);
    for (const from of [1, DEFAULT_CHUNK_BYTES, DEFAULT_CHUNK_BYTES + 7, compressed.length - 3]) {
      const tail = await text((await openCompressed(store, 'a/big.snap', keyring, from)).stream);
      expect(tail.equals(compressed.subarray(from))).toBe(true);
    }
  });

  it('refuses a file cut at a chunk boundary and chunks swapped', async () => {
    const info = await readFileInfo(store, 'a/big.snap');
    const record = DEFAULT_CHUNK_BYTES + 16;
    await writeFile(join(dir, 'store', 'a/cut.snap'), whole.subarray(0, info.bodyStart + 2 * record));
    await expect(text(await open(store, 'a/cut.snap', keyring))).rejects.toThrow();
    const a = whole.subarray(info.bodyStart, info.bodyStart + record);
    const b = whole.subarray(info.bodyStart + record, info.bodyStart + 2 * record);
    const swapped = Buffer.concat([
      whole.subarray(0, info.bodyStart),
      b,
      a,
      whole.subarray(info.bodyStart + 2 * record),
    ]);
    await writeFile(join(dir, 'store', 'a/swapped.snap'), swapped);
    await expect(text(await open(store, 'a/swapped.snap', keyring))).rejects.toThrow();
  });

  it('still opens a version 1 file (one GCM tag over the whole body), also from an offset', async () => {
    const dataKey = randomBytes(32);
    const wrapped = keyring.wrap(DEFAULT_ALIAS, dataKey);
    const iv = randomBytes(12);
    const header = Buffer.from(
      JSON.stringify({
        v: 1,
        compression: 'gzip',
        keyId: wrapped.keyId,
        keyVersion: wrapped.keyVersion,
        wrappedKey: wrapped.blob.toString('base64'),
        iv: iv.toString('base64'),
      }),
    );
    const plain = Buffer.from('CREATE TABLE old (x int);\n'.repeat(1000));
    const body = gzipSync(plain);
    const c = createCipheriv('aes-256-gcm', dataKey, iv);
    c.setAAD(header);
    const cipher = Buffer.concat([c.update(body), c.final(), c.getAuthTag()]);
    await writeFile(join(dir, 'store', 'a/v1.snap'), Buffer.concat([filePrefix(header), cipher]));
    expect((await text(await open(store, 'a/v1.snap', keyring))).equals(plain)).toBe(true);
    const tail = await text((await openCompressed(store, 'a/v1.snap', keyring, 10)).stream);
    expect(tail.equals(body.subarray(10))).toBe(true);
  });

  it('an empty dump is one empty final chunk', async () => {
    await seal({ source: Readable.from([]), store, key: 'a/empty.snap', keyring, keyRef: DEFAULT_ALIAS });
    expect((await text(await open(store, 'a/empty.snap', keyring))).length).toBe(0);
  });
});
