import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { access, chown, mkdir } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import tar from 'tar-stream';
import { DbplaneError } from '../../errors/index.js';
import { CONTROL_FILE } from './tree.js';

/** Who the files belong to (the server's unprivileged user when dbplane runs as root). */
export interface Owner {
  uid: number;
  gid: number;
}

const REQUIRED = ['PG_VERSION', 'backup_label', CONTROL_FILE];

function badEntry(name: string, why: string): DbplaneError {
  return new DbplaneError('Dbplane.SnapshotFormat', `physical snapshot entry "${name}" ${why}`);
}

/** `name` as a path inside the target; never outside it. */
function inside(target: string, name: string): string {
  const rel = normalize(name).replace(/\/+$/, '');
  if (rel === '' || rel === '.' || rel.startsWith('..') || rel.startsWith('/'))
    throw badEntry(name, 'points outside the data directory');
  return join(target, rel);
}

async function writeEntry(path: string, entry: AsyncIterable<Buffer>, owner: Owner | undefined) {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const out = createWriteStream(path, { mode: 0o600 });
  try {
    for await (const chunk of entry) if (!out.write(chunk)) await once(out, 'drain');
  } finally {
    out.end();
  }
  await finished(out);
  if (owner !== undefined) await chown(path, owner.uid, owner.gid);
}

/**
 * Writes the data directory held in a physical snapshot's tar `source` into
 * `target` (which must not hold a cluster yet): plain files (0600) and
 * directories (0700) only, owned by `owner` when given. Fails when the tar
 * lacks PG_VERSION, backup_label or the control file.
 *
 * @example
 * await extractDataDir({ source: await open(store, key, keyring), target: '/data/i-2.restore' });
 */
export async function extractDataDir(p: {
  source: Readable;
  target: string;
  owner?: Owner | undefined;
}): Promise<{ files: number; bytes: number }> {
  const extract = tar.extract();
  p.source.on('error', (err) => extract.destroy(err));
  p.source.pipe(extract);
  let files = 0;
  let bytes = 0;
  for await (const entry of extract) {
    const { name, type, size } = entry.header;
    const path = inside(p.target, name);
    if (type === 'directory') {
      await mkdir(path, { recursive: true, mode: 0o700 });
      if (p.owner !== undefined) await chown(path, p.owner.uid, p.owner.gid);
      entry.resume();
    } else if (type === 'file') {
      await writeEntry(path, entry as AsyncIterable<Buffer>, p.owner);
      files++;
      bytes += size ?? 0;
    } else throw badEntry(name, `is a ${type ?? 'special entry'}, not a file or directory`);
  }
  for (const f of REQUIRED)
    await access(join(p.target, f)).catch(() => {
      throw new DbplaneError(
        'Dbplane.SnapshotFormat',
        `the snapshot holds no ${f}: it is not a physical snapshot of a PostgreSQL data directory`,
      );
    });
  return { files, bytes };
}
