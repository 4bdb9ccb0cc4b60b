import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import type { Readable, Writable } from 'node:stream';

/** A file being written: `commit` makes it visible under its key, `abort` drops it. */
export interface PendingObject {
  stream: Writable;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/**
 * Where a region keeps snapshot files, by key (`<account>/<snapshot id>.snap`).
 * A directory today; an S3-compatible bucket can implement the same interface.
 */
export interface SnapshotStore {
  /** A new object; nothing is visible under `key` until `commit`. */
  create(key: string): Promise<PendingObject>;
  /** The object's bytes, or a range of them (`end` inclusive, as `fs.createReadStream`). */
  read(key: string, range?: { start: number; end: number }): Readable;
  size(key: string): Promise<number | undefined>;
  /** Idempotent: a missing key is not an error. */
  remove(key: string): Promise<void>;
}

/**
 * A snapshot store in a directory (`<data-dir>/snapshots/<region>/` by default).
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
  return {
    async create(key) {
      const target = file(key);
      await mkdir(dirname(target), { recursive: true, mode: 0o700 });
      const tmp = `${target}.${process.pid}.${Date.now()}.tmp`;
      const stream = createWriteStream(tmp, { mode: 0o600 });
      return {
        stream,
        commit: () => rename(tmp, target),
        abort: () => rm(tmp, { force: true }),
      };
    },
    read: (key, range) => createReadStream(file(key), range),
    size: async (key) => (await stat(file(key)).catch(() => undefined))?.size,
    remove: (key) => rm(file(key), { force: true }),
  };
}
