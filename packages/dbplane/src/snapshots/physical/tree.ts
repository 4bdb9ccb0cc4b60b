import type { FileHandle } from 'node:fs/promises';
import { lstat, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Pack } from 'tar-stream';
import { DbplaneError } from '../../errors/index.js';
import { excluded } from './exclude.js';

const CHUNK = 1 << 20;
/** Written after everything else, as pg_basebackup does: a copy never holds a control file newer than its data. */
export const CONTROL_FILE = 'global/pg_control';

const isMissing = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOENT';

/** Waits until an entry of `pack` has taken all its bytes. */
function entryDone(pack: Pack, header: Parameters<Pack['entry']>[0]) {
  let settle: (err?: Error | null) => void = () => {};
  const finished = new Promise<void>((resolve, reject) => {
    settle = (err) => (err ? reject(err) : resolve());
  });
  const entry = pack.entry(header, (err) => settle(err));
  return { entry, finished };
}

/** Resolves when `w` takes more bytes, or is gone (a consumer that failed destroys the pack). */
function drained(w: {
  once(e: 'drain' | 'close', f: () => void): unknown;
  off(e: 'drain' | 'close', f: () => void): unknown;
}): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      w.off('drain', done);
      w.off('close', done);
      resolve();
    };
    w.once('drain', done);
    w.once('close', done);
  });
}

/** Adds an entry of bytes held in memory (backup_label, tablespace_map, the cluster state). */
export async function addBytes(pack: Pack, name: string, bytes: Buffer, mode = 0o600): Promise<void> {
  const { entry, finished } = entryDone(pack, { name, size: bytes.length, mode, type: 'file' });
  entry.end(bytes);
  await finished;
}

/**
 * Adds the file at `path` as `name`, with the size it has when opened: a file
 * that shrinks while it is read (a table truncated by the running server) is
 * padded with zeros, which WAL replay overwrites. Answers the bytes added (0
 * for a file removed before it was opened, which replay recreates if needed).
 */
export async function addFile(pack: Pack, name: string, path: string): Promise<number> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    if (isMissing(err)) return 0;
    throw err;
  }
  try {
    const s = await fh.stat();
    const { entry, finished } = entryDone(pack, {
      name,
      size: s.size,
      mode: s.mode & 0o7777,
      mtime: s.mtime,
      type: 'file',
    });
    let written = 0;
    if (s.size > 0) {
      for await (const chunk of fh.createReadStream({
        start: 0,
        end: s.size - 1,
        highWaterMark: CHUNK,
        autoClose: false,
      })) {
        if (entry.destroyed) break;
        written += (chunk as Buffer).length;
        if (!entry.write(chunk)) await drained(entry);
      }
    }
    for (let left = s.size - written; left > 0; left -= CHUNK)
      entry.write(Buffer.alloc(Math.min(left, CHUNK)));
    entry.end(undefined);
    await finished;
    return s.size;
  } finally {
    await fh.close();
  }
}

async function addDirectory(pack: Pack, name: string, path: string): Promise<void> {
  const s = await lstat(path);
  const { entry, finished } = entryDone(pack, {
    name,
    mode: s.mode & 0o7777,
    mtime: s.mtime,
    type: 'directory',
  });
  entry.end(undefined);
  await finished;
}

/** A symbolic link (a tablespace in pg_tblspc, pg_wal elsewhere) cannot be copied as a plain tree. */
function unsupportedLink(rel: string): DbplaneError {
  return new DbplaneError(
    'Dbplane.PhysicalSnapshotUnsupported',
    `the data directory holds a symbolic link (${rel}): tablespaces and a relocated pg_wal are not supported by physical snapshots; take a logical snapshot of the database instead`,
  );
}

/**
 * Adds the data directory `root` below `rel` to `pack` (directories first,
 * names in order), leaving out what `excluded` names and the control file
 * (the caller adds it last).
 */
export async function addTree(pack: Pack, root: string, rel = ''): Promise<void> {
  const dir = join(root, rel);
  const entries = await readdir(dir, { withFileTypes: true }).catch((err: unknown) => {
    if (isMissing(err)) return [];
    throw err;
  });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const name = rel === '' ? e.name : `${rel}/${e.name}`;
    if (excluded(name) || name === CONTROL_FILE) continue;
    if (e.isSymbolicLink()) throw unsupportedLink(name);
    if (e.isDirectory()) {
      await addDirectory(pack, name, join(root, name)).catch((err: unknown) => {
        if (!isMissing(err)) throw err;
      });
      await addTree(pack, root, name);
    } else if (e.isFile()) await addFile(pack, name, join(root, name));
    // sockets and other special files are not data
  }
}

/** Bytes of the regular files under `root` that `addTree` would copy (the progress estimate). */
export async function treeBytes(root: string, rel = ''): Promise<number> {
  let total = 0;
  const entries = await readdir(join(root, rel), { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const name = rel === '' ? e.name : `${rel}/${e.name}`;
    if (excluded(name)) continue;
    if (e.isDirectory()) total += await treeBytes(root, name);
    else if (e.isFile()) total += (await lstat(join(root, name)).catch(() => ({ size: 0 }))).size;
  }
  return total;
}
