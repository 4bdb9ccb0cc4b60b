import type { EngineName } from '../engines/admin/index.js';
import type { Db } from '../store/db.js';
import type { DatabaseStatus } from './types.js';

export interface DatabaseRow {
  id: string;
  account_id: string;
  name: string;
  arn: string;
  engine: EngineName;
  environment: string;
  instance: string | null;
  host: string | null;
  port: number | null;
  requested_instance: string | null;
  dedicated: boolean;
  status: DatabaseStatus;
  status_reason: string | null;
  owner_login: string;
  secret_arn: string | null;
  expires_at: Date | null;
  execution_arn: string | null;
  request_hash: string;
  tags: Record<string, string>;
  created_at: Date;
  updated_at: Date;
}

type Ref = Readonly<{ accountId: string; name: string }>;

export async function insertDatabase(
  db: Db,
  p: Readonly<{
    id: string;
    accountId: string;
    name: string;
    arn: string;
    engine: EngineName;
    environment: string;
    requestedInstance: string | null;
    dedicated: boolean;
    ownerLogin: string;
    expiresAt: Date | null;
    requestHash: string;
    tags: Record<string, string>;
  }>,
): Promise<DatabaseRow | undefined> {
  const r = await db.query<DatabaseRow>(
    `INSERT INTO databases (id, account_id, name, arn, engine, environment, requested_instance, dedicated,
       status, owner_login, expires_at, request_hash, tags)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'creating', $9, $10, $11, $12)
     ON CONFLICT (account_id, name) DO NOTHING RETURNING *`,
    [
      p.id,
      p.accountId,
      p.name,
      p.arn,
      p.engine,
      p.environment,
      p.requestedInstance,
      p.dedicated,
      p.ownerLogin,
      p.expiresAt,
      p.requestHash,
      JSON.stringify(p.tags),
    ],
  );
  return r.rows[0];
}

export async function findDatabase(db: Db, p: Ref & { lock?: boolean }): Promise<DatabaseRow | undefined> {
  const r = await db.query<DatabaseRow>(
    `SELECT * FROM databases WHERE account_id = $1 AND name = $2${p.lock === true ? ' FOR UPDATE' : ''}`,
    [p.accountId, p.name],
  );
  return r.rows[0];
}

export async function listDatabases(
  db: Db,
  p: Readonly<{ accountId: string; afterName?: string | undefined; limit: number; environment?: string }>,
): Promise<DatabaseRow[]> {
  const r = await db.query<DatabaseRow>(
    `SELECT * FROM databases WHERE account_id = $1 AND ($2::text IS NULL OR name > $2)
       AND ($3::text IS NULL OR environment = $3) ORDER BY name LIMIT $4`,
    [p.accountId, p.afterName ?? null, p.environment ?? null, p.limit + 1],
  );
  return r.rows;
}

/** Databases past their expiry that are still in use, locked for the caller (SKIP LOCKED). */
export async function expiredDatabases(db: Db, p: { accountId: string; now: Date; limit: number }) {
  const r = await db.query<DatabaseRow>(
    `SELECT * FROM databases WHERE account_id = $1 AND status = 'available' AND expires_at <= $2
     ORDER BY expires_at LIMIT $3 FOR UPDATE SKIP LOCKED`,
    [p.accountId, p.now, p.limit],
  );
  return r.rows;
}

export async function updateDatabase(
  db: Db,
  p: Readonly<{
    id: string;
    status?: DatabaseStatus;
    statusReason?: string | null;
    instance?: string;
    endpoint?: { host: string; port: number };
    secretArn?: string;
    executionArn?: string;
    expiresAt?: Date;
  }>,
): Promise<void> {
  await db.query(
    `UPDATE databases SET status = COALESCE($2, status),
       status_reason = CASE WHEN $3 THEN $4 ELSE status_reason END,
       instance = COALESCE($5, instance), secret_arn = COALESCE($6, secret_arn),
       execution_arn = COALESCE($7, execution_arn), expires_at = COALESCE($8, expires_at),
       host = COALESCE($9, host), port = COALESCE($10, port), updated_at = now() WHERE id = $1`,
    [
      p.id,
      p.status ?? null,
      p.statusReason !== undefined,
      p.statusReason ?? null,
      p.instance ?? null,
      p.secretArn ?? null,
      p.executionArn ?? null,
      p.expiresAt ?? null,
      p.endpoint?.host ?? null,
      p.endpoint?.port ?? null,
    ],
  );
}

export async function deleteDatabase(db: Db, id: string): Promise<void> {
  await db.query('DELETE FROM databases WHERE id = $1', [id]);
}

/** How many databases are placed on an instance (an instance in use cannot be deleted). */
export async function countOnInstance(db: Db, p: Ref): Promise<number> {
  const r = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM databases WHERE account_id = $1 AND instance = $2',
    [p.accountId, p.name],
  );
  return r.rows[0]?.n ?? 0;
}
