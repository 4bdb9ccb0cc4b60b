import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Where the first admin key is kept: `<data-dir>/admin.key`, mode 0600. */
export function adminKeyPath(dataDir: string): string {
  return join(dataDir, 'admin.key');
}

export async function writeAdminKey(dataDir: string, key: string): Promise<string> {
  const file = adminKeyPath(dataDir);
  await writeFile(file, `${key}\n`, { mode: 0o600 });
  await chmod(file, 0o600); // the mode given to writeFile does not apply to an existing file
  return file;
}

export async function readAdminKey(dataDir: string): Promise<string | undefined> {
  try {
    return (await readFile(adminKeyPath(dataDir), 'utf8')).trim() || undefined;
  } catch {
    return undefined;
  }
}
