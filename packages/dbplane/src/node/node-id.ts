import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * This node's stable id, kept in `<dataDir>/node-id` (made on first start):
 * local instances belong to the node whose data directory holds their files,
 * so the id must survive restarts.
 */
export async function loadNodeId(dataDir: string): Promise<string> {
  const file = join(dataDir, 'node-id');
  const existing = await readFile(file, 'utf8').catch(() => '');
  if (existing.trim() !== '') return existing.trim();
  const id = `node-${randomUUID()}`;
  await writeFile(file, `${id}\n`, { mode: 0o600, flag: 'wx' }).catch(() => {});
  return (await readFile(file, 'utf8')).trim();
}
