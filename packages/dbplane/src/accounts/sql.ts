import type { Db } from '../store/db.js';
import type { Role } from './types.js';

/** A row of `api_keys` as the domain uses it. */
export interface ApiKeyRow {
  id: string;
  account_id: string;
  name: string;
  role: Role;
  description: string;
  secret_hash: Buffer;
  created_by: string | null;
  created_at: Date;
  revoked_at: Date | null;
  /** created_at in microseconds since the epoch, exact, for page tokens. */
  created_us: string;
}

const COLUMNS = '*, (extract(epoch FROM created_at) * 1000000)::bigint::text AS created_us';

export async function insertAccount(db: Db, p: Readonly<{ id: string; name: string }>): Promise<boolean> {
  const r = await db.query('INSERT INTO accounts (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [
    p.id,
    p.name,
  ]);
  return r.rowCount === 1;
}

export async function insertApiKey(
  db: Db,
  p: Readonly<{
    id: string;
    accountId: string;
    name: string;
    role: Role;
    description: string;
    secretHash: Buffer;
    createdBy: string | null;
  }>,
): Promise<ApiKeyRow> {
  const r = await db.query<ApiKeyRow>(
    `INSERT INTO api_keys (id, account_id, name, role, description, secret_hash, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
    [p.id, p.accountId, p.name, p.role, p.description, p.secretHash, p.createdBy],
  );
  return r.rows[0] as ApiKeyRow;
}

export async function findKeyById(db: Db, id: string): Promise<ApiKeyRow | undefined> {
  const r = await db.query<ApiKeyRow>(`SELECT ${COLUMNS} FROM api_keys WHERE id = $1`, [id]);
  return r.rows[0];
}

export async function findActiveKeyByName(
  db: Db,
  p: Readonly<{ accountId: string; name: string }>,
): Promise<ApiKeyRow | undefined> {
  const r = await db.query<ApiKeyRow>(
    `SELECT ${COLUMNS} FROM api_keys WHERE account_id = $1 AND name = $2 AND revoked_at IS NULL`,
    [p.accountId, p.name],
  );
  return r.rows[0];
}

export async function listKeys(
  db: Db,
  p: Readonly<{ accountId: string; limit: number; after?: { createdUs: string; id: string } | undefined }>,
): Promise<ApiKeyRow[]> {
  const r = await db.query<ApiKeyRow>(
    `SELECT ${COLUMNS} FROM api_keys WHERE account_id = $1
       AND ($2::bigint IS NULL OR ((extract(epoch FROM created_at) * 1000000)::bigint, id) > ($2::bigint, $3::text))
     ORDER BY created_at, id LIMIT $4`,
    [p.accountId, p.after?.createdUs ?? null, p.after?.id ?? '', p.limit + 1],
  );
  return r.rows;
}

export async function revokeKey(db: Db, p: Readonly<{ id: string }>): Promise<ApiKeyRow | undefined> {
  const r = await db.query<ApiKeyRow>(
    `UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING ${COLUMNS}`,
    [p.id],
  );
  return r.rows[0];
}

export async function countActiveAdminKeys(db: Db, accountId: string): Promise<number> {
  const r = await db.query<{ n: string }>(
    "SELECT count(*) AS n FROM api_keys WHERE account_id = $1 AND role = 'admin' AND revoked_at IS NULL",
    [accountId],
  );
  return Number(r.rows[0]?.n ?? 0);
}

export async function countKeys(db: Db, accountId: string): Promise<number> {
  const r = await db.query<{ n: string }>('SELECT count(*) AS n FROM api_keys WHERE account_id = $1', [
    accountId,
  ]);
  return Number(r.rows[0]?.n ?? 0);
}
