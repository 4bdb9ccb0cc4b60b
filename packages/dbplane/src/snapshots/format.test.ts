import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createKeyring, DEFAULT_ALIAS } from '../kms/keyring.js';
import { defaultCompression, open, seal, verify } from './format.js';
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
