import type { EngineName } from '../engines/admin/index.js';
import type { Db } from '../store/db.js';

export interface EnvironmentRow {
  id: string;
  account_id: string;
  name: string;
  arn: string;
  description: string;
  placement: Partial<Record<EngineName, { instance: string }>>;
  engines: EngineName[];
  max_ttl_seconds: number | null;
  default_ttl_seconds: number | null;
  name_pattern: string | null;
  allow_dedicated: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface EnvironmentFields {
  description: string;
  placement: Partial<Record<EngineName, { instance: string }>>;
  engines: EngineName[];
  maxTtlSeconds: number | null;
  defaultTtlSeconds: number | null;
  namePattern: string | null;
  allowDedicated: boolean;
}

type Ref = Readonly<{ accountId: string; name: string }>;

const values = (f: EnvironmentFields) => [
  f.description,
  JSON.stringify(f.placement),
  f.engines,
  f.maxTtlSeconds,
  f.defaultTtlSeconds,
  f.namePattern,
  f.allowDedicated,
];

/** Inserts the environment, or answers undefined when the name is taken. */
export async function insertEnvironment(
  db: Db,
  p: Ref & { id: string; arn: string } & EnvironmentFields,
): Promise<EnvironmentRow | undefined> {
  const r = await db.query<EnvironmentRow>(
    `INSERT INTO environments (id, account_id, name, arn, description, placement, engines, max_ttl_seconds,
       default_ttl_seconds, name_pattern, allow_dedicated)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (account_id, name) DO NOTHING RETURNING *`,
    [p.id, p.accountId, p.name, p.arn, ...values(p)],
  );
  return r.rows[0];
}

export async function updateEnvironment(db: Db, p: { id: string } & EnvironmentFields): Promise<void> {
  await db.query(
    `UPDATE environments SET description = $2, placement = $3, engines = $4, max_ttl_seconds = $5,
       default_ttl_seconds = $6, name_pattern = $7, allow_dedicated = $8, updated_at = now() WHERE id = $1`,
    [p.id, ...values(p)],
  );
}

export async function findEnvironment(db: Db, p: Ref & { lock?: boolean }) {
  const r = await db.query<EnvironmentRow>(
    `SELECT * FROM environments WHERE account_id = $1 AND name = $2${p.lock === true ? ' FOR UPDATE' : ''}`,
    [p.accountId, p.name],
  );
  return r.rows[0];
}

export async function listEnvironments(db: Db, p: { accountId: string }): Promise<EnvironmentRow[]> {
  const r = await db.query<EnvironmentRow>('SELECT * FROM environments WHERE account_id = $1 ORDER BY name', [
    p.accountId,
  ]);
  return r.rows;
}

export async function deleteEnvironment(db: Db, id: string): Promise<void> {
  await db.query('DELETE FROM environments WHERE id = $1', [id]);
}

export async function databasesIn(db: Db, p: Ref): Promise<number> {
  const r = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM databases WHERE account_id = $1 AND environment = $2',
    [p.accountId, p.name],
  );
  return r.rows[0]?.n ?? 0;
}
