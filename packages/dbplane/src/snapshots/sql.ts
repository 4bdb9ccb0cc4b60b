import type { EngineName } from '../engines/admin/index.js';
import type { Db } from '../store/db.js';
import type { Compression, SnapshotKind, SnapshotStatus } from './types.js';

export interface SnapshotRow {
  id: string;
  account_id: string;
  name: string;
  arn: string;
  kind: SnapshotKind;
  /** Null for a physical snapshot (its source is an instance). */
  source_database: string | null;
  engine: EngineName;
  source_instance: string | null;
  status: SnapshotStatus;
  status_reason: string | null;
  progress: number;
  region: string;
  location: string;
  size_bytes: string | null;
  checksum: string | null;
  compression: Compression | null;
  key_arn: string | null;
  shared_with: string[];
  execution_arn: string | null;
  /** A copy's source snapshot ARN. */
  copy_of?: string | null;
  tags: Record<string, string>;
  created_at: Date;
  updated_at: Date;
}

export async function insertSnapshot(
  db: Db,
  p: Readonly<{
    id: string;
    accountId: string;
    name: string;
    arn: string;
    kind?: SnapshotKind;
    sourceDatabase: string | null;
    engine: EngineName;
    sourceInstance: string | null;
    region: string;
    location: string;
    tags: Record<string, string>;
  }>,
): Promise<SnapshotRow | undefined> {
  const r = await db.query<SnapshotRow>(
    `INSERT INTO snapshots (id, account_id, name, arn, kind, source_database, engine, source_instance,
       status, region, location, tags)
     VALUES ($1, $2, $3, $4, $11, $5, $6, $7, 'creating', $8, $9, $10)
     ON CONFLICT (account_id, name) DO NOTHING RETURNING *`,
    [
      p.id,
      p.accountId,
      p.name,
      p.arn,
      p.sourceDatabase,
      p.engine,
      p.sourceInstance,
      p.region,
      p.location,
      JSON.stringify(p.tags),
      p.kind ?? 'logical',
    ],
  );
  return r.rows[0];
}

/** The caller's own snapshot `name`. */
export async function findOwn(
  db: Db,
  p: Readonly<{ accountId: string; name: string; lock?: boolean }>,
): Promise<SnapshotRow | undefined> {
  const r = await db.query<SnapshotRow>(
    `SELECT * FROM snapshots WHERE account_id = $1 AND name = $2${p.lock === true ? ' FOR UPDATE' : ''}`,
    [p.accountId, p.name],
  );
  return r.rows[0];
}

/** Snapshots `name` (or ARN) the account owns or that are shared with it, its own first. */
export async function findVisible(
  db: Db,
  p: Readonly<{ accountId: string; ref: string }>,
): Promise<SnapshotRow[]> {
  const r = await db.query<SnapshotRow>(
    `SELECT * FROM snapshots WHERE (name = $2 OR arn = $2) AND (account_id = $1 OR $1 = ANY (shared_with))
     ORDER BY account_id <> $1, arn LIMIT 2`,
    [p.accountId, p.ref],
  );
  return r.rows;
}

export async function listVisible(
  db: Db,
  p: Readonly<{
    accountId: string;
    afterArn?: string | undefined;
    limit: number;
    region?: string | undefined;
  }>,
): Promise<SnapshotRow[]> {
  const r = await db.query<SnapshotRow>(
    `SELECT * FROM snapshots WHERE (account_id = $1 OR $1 = ANY (shared_with))
       AND ($2::text IS NULL OR arn > $2) AND ($4::text IS NULL OR region = $4) ORDER BY arn LIMIT $3`,
    [p.accountId, p.afterArn ?? null, p.limit + 1, p.region ?? null],
  );
  return r.rows;
}

export async function findById(db: Db, id: string): Promise<SnapshotRow | undefined> {
  const r = await db.query<SnapshotRow>('SELECT * FROM snapshots WHERE id = $1', [id]);
  return r.rows[0];
}

export async function updateSnapshot(
  db: Db,
  p: Readonly<{
    id: string;
    status?: SnapshotStatus;
    statusReason?: string | null;
    progress?: number;
    executionArn?: string;
    sharedWith?: string[];
  }>,
): Promise<void> {
  await db.query(
    `UPDATE snapshots SET status = COALESCE($2, status),
       status_reason = CASE WHEN $3 THEN $4 ELSE status_reason END,
       progress = COALESCE($5, progress), execution_arn = COALESCE($6, execution_arn),
       shared_with = COALESCE($7, shared_with), updated_at = now() WHERE id = $1`,
    [
      p.id,
      p.status ?? null,
      p.statusReason !== undefined,
      p.statusReason ?? null,
      p.progress ?? null,
      p.executionArn ?? null,
      p.sharedWith ?? null,
    ],
  );
}

export async function deleteSnapshot(db: Db, id: string): Promise<void> {
  await db.query('DELETE FROM snapshots WHERE id = $1', [id]);
}

/**
 * Marks a snapshot available with the file one attempt wrote; false when
 * another attempt (a retried task) finished first, whose file stays.
 */
export async function completeSnapshot(
  db: Db,
  p: Readonly<{
    id: string;
    location: string;
    sizeBytes: number;
    checksum: string;
    compression: Compression;
    keyArn: string;
  }>,
): Promise<boolean> {
  const r = await db.query(
    `UPDATE snapshots SET status = 'available', status_reason = NULL, progress = 100, location = $2,
       size_bytes = $3, checksum = $4, compression = $5, key_arn = $6, updated_at = now()
     WHERE id = $1 AND status = 'creating'`,
    [p.id, p.location, p.sizeBytes, p.checksum, p.compression, p.keyArn],
  );
  return r.rowCount === 1;
}

/** Progress of a dump; a no-op once the snapshot is no longer being created (a late report loses). */
export async function reportProgress(
  db: Db,
  p: Readonly<{ id: string; sizeBytes: number; progress: number }>,
): Promise<void> {
  await db.query(
    `UPDATE snapshots SET size_bytes = $2, progress = $3, updated_at = now() WHERE id = $1 AND status = 'creating'`,
    [p.id, p.sizeBytes, p.progress],
  );
}
