import type { Db } from '../store/db.js';

export interface StoreRow {
  region: string;
  type: 'directory' | 's3';
  settings: Record<string, unknown>;
  /** The S3 secret access key wrapped by a key of the node's region: `{ keyId, keyVersion, blob }`. */
  secret: { keyId: string; keyVersion: number; blob: string } | null;
  updated_at: Date;
}

export async function listStores(db: Db): Promise<StoreRow[]> {
  return (await db.query<StoreRow>('SELECT * FROM snapshot_stores ORDER BY region')).rows;
}

export async function findStore(db: Db, region: string): Promise<StoreRow | undefined> {
  return (await db.query<StoreRow>('SELECT * FROM snapshot_stores WHERE region = $1', [region])).rows[0];
}

export async function putStore(
  db: Db,
  p: Readonly<{ region: string; type: string; settings: Record<string, unknown>; secret: unknown }>,
): Promise<StoreRow> {
  const r = await db.query<StoreRow>(
    `INSERT INTO snapshot_stores (region, type, settings, secret) VALUES ($1, $2, $3, $4)
     ON CONFLICT (region) DO UPDATE SET type = $2, settings = $3, secret = $4, updated_at = now() RETURNING *`,
    [p.region, p.type, JSON.stringify(p.settings), p.secret === null ? null : JSON.stringify(p.secret)],
  );
  return r.rows[0] as StoreRow;
}

export async function deleteStore(db: Db, region: string): Promise<StoreRow | undefined> {
  return (await db.query<StoreRow>('DELETE FROM snapshot_stores WHERE region = $1 RETURNING *', [region]))
    .rows[0];
}
