import type { EngineName } from '../engines/admin/index.js';
import type { Db } from '../store/db.js';
import type { InstanceEvents } from './events.js';
import type { InstanceStatus, Provider } from './types.js';

export interface InstanceRow {
  id: string;
  account_id: string;
  name: string;
  arn: string;
  engine: EngineName;
  provider: Provider;
  version: string | null;
  status: InstanceStatus;
  status_reason: string | null;
  host: string | null;
  port: number | null;
  admin_secret_arn: string | null;
  node_id: string | null;
  deletion_protection: boolean;
  execution_arn: string | null;
  tags: Record<string, string>;
  created_at: Date;
  updated_at: Date;
}

export async function insertInstance(
  db: Db,
  p: Readonly<{
    id: string;
    accountId: string;
    name: string;
    arn: string;
    engine: EngineName;
    provider: Provider;
    status: InstanceStatus;
    version: string | null;
    host: string | null;
    port: number | null;
    adminSecretArn: string | null;
    nodeId: string | null;
    deletionProtection: boolean;
    tags: Record<string, string>;
  }>,
  events?: InstanceEvents,
): Promise<InstanceRow | undefined> {
  const r = await db.query<InstanceRow>(
    `INSERT INTO instances (id, account_id, name, arn, engine, provider, status, version, host, port, admin_secret_arn,
       node_id, deletion_protection, tags) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)
     ON CONFLICT (account_id, name) DO NOTHING RETURNING *`,
    [
      p.id,
      p.accountId,
      p.name,
      p.arn,
      p.engine,
      p.provider,
      p.status,
      p.version,
      p.host,
      p.port,
      p.adminSecretArn,
      p.nodeId,
      p.deletionProtection,
      JSON.stringify(p.tags),
    ],
  );
  const row = r.rows[0];
  if (row !== undefined && events !== undefined) await events.changed(db, row, null, row.status);
  return row;
}

export async function findInstance(
  db: Db,
  p: Readonly<{ accountId: string; name: string; lock?: boolean }>,
): Promise<InstanceRow | undefined> {
  const r = await db.query<InstanceRow>(
    `SELECT * FROM instances WHERE account_id = $1 AND name = $2${p.lock ? ' FOR UPDATE' : ''}`,
    [p.accountId, p.name],
  );
  return r.rows[0];
}

export async function listInstances(
  db: Db,
  p: Readonly<{ accountId: string; limit: number; afterName?: string | undefined }>,
): Promise<InstanceRow[]> {
  const r = await db.query<InstanceRow>(
    'SELECT * FROM instances WHERE account_id = $1 AND ($2::text IS NULL OR name > $2) ORDER BY name LIMIT $3',
    [p.accountId, p.afterName ?? null, p.limit + 1],
  );
  return r.rows;
}

/** Local instances this node supervises and should run. */
export async function localInstancesOf(db: Db, nodeId: string): Promise<InstanceRow[]> {
  const r = await db.query<InstanceRow>(
    "SELECT * FROM instances WHERE provider = 'local' AND node_id = $1 AND status IN ('available', 'starting', 'modifying')",
    [nodeId],
  );
  return r.rows;
}

export async function updateInstance(
  db: Db,
  p: Readonly<{
    id: string;
    status?: InstanceStatus;
    statusReason?: string | null;
    version?: string;
    host?: string;
    port?: number;
    adminSecretArn?: string;
    executionArn?: string;
  }>,
  events?: InstanceEvents,
): Promise<void> {
  const r = await db.query<InstanceRow & { previous: InstanceStatus }>(
    `UPDATE instances i SET status = COALESCE($2, i.status),
       status_reason = CASE WHEN $3 THEN $4 ELSE i.status_reason END,
       version = COALESCE($5, i.version), host = COALESCE($6, i.host), port = COALESCE($7, i.port),
       admin_secret_arn = COALESCE($8, i.admin_secret_arn), execution_arn = COALESCE($9, i.execution_arn),
       updated_at = now()
     FROM (SELECT id, status AS previous FROM instances WHERE id = $1 FOR UPDATE) o
     WHERE i.id = o.id RETURNING i.*, o.previous`,
    [
      p.id,
      p.status ?? null,
      p.statusReason !== undefined,
      p.statusReason ?? null,
      p.version ?? null,
      p.host ?? null,
      p.port ?? null,
      p.adminSecretArn ?? null,
      p.executionArn ?? null,
    ],
  );
  const row = r.rows[0];
  if (row !== undefined && events !== undefined && row.status !== row.previous)
    await events.changed(db, row, row.previous, row.status);
}

export async function deleteInstance(db: Db, id: string, events?: InstanceEvents): Promise<void> {
  const r = await db.query<InstanceRow>('DELETE FROM instances WHERE id = $1 RETURNING *', [id]);
  const row = r.rows[0];
  if (row !== undefined && events !== undefined) await events.changed(db, row, row.status, 'deleted');
}
