import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Reads in 1 MiB pieces (a chunk of the file format), not the default 64 KiB. */
const READ_BYTES = 1024 * 1024;

/** A file being written: `commit` makes it visible under its key, `abort` drops it. */
export interface PendingObject {
  stream: Writable;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** One part written by a multipart upload, as `complete` needs it. */
export interface WrittenPart {
  part: number;
  etag: string;
}

/**
 * Writes that survive a crash: a part is durable once `putPart` answers
 * (writing it again replaces it), and `complete` joins the parts into the
 * object under `key` (again after a completed upload: a no-op).
 */
export interface MultipartWrites {
  start(key: string): Promise<string>;
  putPart(key: string, uploadId: string, part: number, body: Buffer): Promise<string>;
  complete(key: string, uploadId: string, parts: WrittenPart[]): Promise<void>;
  abort(key: string, uploadId: string): Promise<void>;
}

/**
 * Where a region keeps snapshot files, by key (`<account>/<snapshot id>.snap`):
 * a directory (`createDirectoryStore`) or an S3-compatible bucket
 * (`createS3Store`), with the same behaviour (`store-contract.test.ts`).
 */
export interface SnapshotStore {
  /** A new object; nothing is visible under `key` until `commit`. */
  create(key: string): Promise<PendingObject>;
  /** The object's bytes, or a range of them (`end` inclusive, as `fs.createReadStream`). */
  read(key: string, range?: { start: number; end: number }): Readable;
  size(key: string): Promise<number | undefined>;
  /** Idempotent: a missing key is not an error. */
  remove(key: string): Promise<void>;
  multipart: MultipartWrites;
}

/**
 * A snapshot store in a directory (`<data-dir>/snapshots/<region>/` by default).
 * A multipart upload keeps its parts in `<key>.upload-<id>/` until completed.
 *
 * @example
 * const store = createDirectoryStore(join(dataDir, 'snapshots', region));
 * const obj = await store.create('000000000000/1.snap'); obj.stream.end(bytes); await obj.commit();
 */
export function createDirectoryStore(root: string): SnapshotStore {
  const file = (key: string) => {
    const rel = normalize(key);
    if (rel.startsWith('..') || rel.startsWith('/')) throw new Error(`bad snapshot key "${key}"`);
    return join(root, rel);
  };
  const uploadDir = (key: string, id: string) => {
    if (!/^[0-9a-f]{16}$/.test(id)) throw new Error(`bad upload id "${id}"`);
    return `${file(key)}.upload-${id}`;
  };
  const tmpName = (target: string) => `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const exists = async (path: string) => (await stat(path).catch(() => undefined)) !== undefined;
  return {
    async create(key) {
      const target = file(key);
      await mkdir(dirname(target), { recursive: true, mode: 0o700 });
      const tmp = tmpName(target);
      const stream = createWriteStream(tmp, { mode: 0o600 });
      return {
        stream,
        commit: () => rename(tmp, target),
        abort: () => rm(tmp, { force: true }),
      };
    },
    read: (key, range) => createReadStream(file(key), { ...range, highWaterMark: READ_BYTES }),
    size: async (key) => (await stat(file(key)).catch(() => undefined))?.size,
    remove: (key) => rm(file(key), { force: true }),
    multipart: {
      async start(key) {
        const id = randomBytes(8).toString('hex');
        await mkdir(uploadDir(key, id), { recursive: true, mode: 0o700 });
        return id;
      },
      async putPart(key, id, part, body) {
        const target = join(uploadDir(key, id), `${part}.part`);
        const tmp = tmpName(target);
        await writeFile(tmp, body, { mode: 0o600, flush: true });
        await rename(tmp, target);
        return `${part}-${body.length}`;
      },
      async complete(key, id, parts) {
        const dir = uploadDir(key, id);
        const target = file(key);
        if (!(await exists(dir)) && (await exists(target))) return;
        const tmp = tmpName(target);
        const out = createWriteStream(tmp, { mode: 0o600, flush: true }); // durable before it is renamed
        const sorted = [...parts].sort((a, b) => a.part - b.part);
        await pipeline(async function* join() {
          for (const p of sorted)
            yield* createReadStream(`${dir}/${p.part}.part`, { highWaterMark: READ_BYTES });
        }, out);
        await rename(tmp, target);
        await rm(dir, { recursive: true, force: true });
      },
      async abort(key, id) {
        await rm(uploadDir(key, id), { recursive: true, force: true });
      },
    },
  };
}
