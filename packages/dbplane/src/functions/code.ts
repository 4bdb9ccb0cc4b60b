import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, normalize, relative } from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { ValidationError } from '../errors/index.js';

const MAX_ZIP_BYTES = 50 * 1024 * 1024;
const MAX_UNZIPPED_BYTES = 250 * 1024 * 1024;

/** Zips a directory (for `code: { path }`), skipping nothing but unreadable entries. */
export async function zipDirectory(dir: string): Promise<Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  const walk = async (d: string) => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) files[relative(dir, full).split('\\').join('/')] = await readFile(full);
    }
  };
  try {
    if (!(await stat(dir)).isDirectory()) throw new Error('not a directory');
  } catch {
    throw new ValidationError([
      { path: '/code/path', message: `is not a readable directory on the server: ${dir}` },
    ]);
  }
  await walk(dir);
  return zipSync(files, { level: 6 });
}

/** Checks a zip from `code: { zipBase64 }`: size limits, readable, no paths escaping its root. */
export function checkZip(zip: Uint8Array): Record<string, Uint8Array> {
  if (zip.byteLength > MAX_ZIP_BYTES)
    throw new ValidationError([{ path: '/code/zipBase64', message: 'is larger than 50 MiB' }]);
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip);
  } catch (err) {
    throw new ValidationError([
      { path: '/code/zipBase64', message: `is not a valid zip: ${(err as Error).message}` },
    ]);
  }
  let total = 0;
  for (const [name, data] of Object.entries(files)) {
    total += data.byteLength;
    const clean = normalize(name);
    if (clean.startsWith('..') || clean.startsWith('/')) {
      throw new ValidationError([
        { path: '/code/zipBase64', message: `holds a path outside the function: ${name}` },
      ]);
    }
  }
  if (total > MAX_UNZIPPED_BYTES)
    throw new ValidationError([{ path: '/code/zipBase64', message: 'unzips to more than 250 MiB' }]);
  return files;
}

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('base64');
}

/**
 * The code's directory under `cacheDir`, extracted once per content hash
 * (atomically: into a temporary directory, then renamed).
 */
export async function extractCode(cacheDir: string, zip: Uint8Array): Promise<string> {
  const hash = createHash('sha256').update(zip).digest('hex');
  const dir = join(cacheDir, hash);
  if (
    await stat(join(dir, '.complete')).then(
      () => true,
      () => false,
    )
  )
    return dir;
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  for (const [name, data] of Object.entries(checkZip(zip))) {
    if (name.endsWith('/')) continue;
    const target = join(tmp, name);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, data);
  }
  await mkdir(tmp, { recursive: true });
  await writeFile(join(tmp, '.complete'), '');
  await rm(dir, { recursive: true, force: true });
  await rename(tmp, dir).catch(async () => rm(tmp, { recursive: true, force: true }));
  return dir;
}
