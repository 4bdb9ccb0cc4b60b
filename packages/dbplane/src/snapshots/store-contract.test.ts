import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { startS3Server } from '../test-support/s3.js';
import { createS3Store } from './s3-store.js';
import { createDirectoryStore, type SnapshotStore } from './store.js';

const bytes = async (r: Readable) => {
  const parts: Buffer[] = [];
  for await (const c of r) parts.push(c as Buffer);
  return Buffer.concat(parts);
};

/** One suite, every implementation: a directory and a real S3-compatible server (s3rver). */
const implementations: {
  name: string;
  make: () => Promise<{ store: SnapshotStore; close: () => Promise<void> }>;
}[] = [
  {
    name: 'directory',
    make: async () => {
      const dir = await mkdtemp(join(tmpdir(), 'dbplane-store-'));
      return { store: createDirectoryStore(dir), close: () => rm(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 's3 (s3rver)',
    make: async () => {
      const s3 = await startS3Server();
      const store = createS3Store({
        bucket: s3.bucket,
        prefix: 'region-a/',
        endpoint: s3.endpoint,
        forcePathStyle: true,
        credentials: s3.credentials,
      });
      return { store, close: s3.close };
    },
  },
];

for (const impl of implementations)
  describe(`snapshot store contract: ${impl.name}`, async () => {
    const { store, close } = await impl.make();
    afterAll(close);
    const data = Buffer.from(Array.from({ length: 100_000 }, (_, i) => i % 251));

    it('shows nothing before commit, the whole object after, and ranges of it', async () => {
      const obj = await store.create('acct/a.snap');
      obj.stream.write(data.subarray(0, 40_000));
      obj.stream.end(data.subarray(40_000));
      await new Promise((res) => obj.stream.once('finish', res));
      expect(await store.size('acct/a.snap')).toBeUndefined();
      await obj.commit();
      expect(await store.size('acct/a.snap')).toBe(data.length);
      expect((await bytes(store.read('acct/a.snap'))).equals(data)).toBe(true);
      expect(
        (await bytes(store.read('acct/a.snap', { start: 10, end: 19 }))).equals(data.subarray(10, 20)),
      ).toBe(true);
    });

    it('drops an aborted object and removes idempotently', async () => {
      const obj = await store.create('acct/b.snap');
      obj.stream.end(data);
      await new Promise((res) => obj.stream.once('finish', res));
      await obj.abort();
      expect(await store.size('acct/b.snap')).toBeUndefined();
      await store.remove('acct/a.snap');
      await store.remove('acct/a.snap');
      expect(await store.size('acct/a.snap')).toBeUndefined();
    });

    it('multipart: a part written again replaces it, complete joins them in order and is idempotent', async () => {
      const m = store.multipart;
      const id = await m.start('acct/c.snap');
      const p2 = await m.putPart('acct/c.snap', id, 2, data.subarray(60_000));
      await m.putPart('acct/c.snap', id, 1, Buffer.from('garbage'));
      const p1 = await m.putPart('acct/c.snap', id, 1, data.subarray(0, 60_000));
      expect(await store.size('acct/c.snap')).toBeUndefined();
      const parts = [
        { part: 2, etag: p2 },
        { part: 1, etag: p1 },
      ];
      await m.complete('acct/c.snap', id, parts);
      await m.complete('acct/c.snap', id, parts);
      expect((await bytes(store.read('acct/c.snap'))).equals(data)).toBe(true);
      await store.remove('acct/c.snap');
    });

    it('reading a missing object fails the stream', async () => {
      await expect(bytes(store.read('acct/missing.snap'))).rejects.toBeTruthy();
    });
  });
