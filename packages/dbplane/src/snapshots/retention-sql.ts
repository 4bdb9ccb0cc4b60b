import type { Db } from '../store/db.js';
import type { SnapshotRow } from './sql.js';

export interface RetentionRow {
  account_id: string;
  source_type: 'database' | 'instance';
  source: string;
  keep_last: number | null;
  keep_days: number | null;
  created_at: Date;
  updated_at: Date;
}
type Key = Readonly<{ accountId: string; sourceType: string; source: string }>;

export async function putPolicy(
  db: Db,
  p: Key & Readonly<{ keepLast: number | null; keepDays: number | null }>,
): Promise<RetentionRow> {
  const r = await db.query<RetentionRow>(
    `INSERT INTO snapshot_retention (account_id, source_type, source, keep_last, keep_days) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (account_id, source_type, source) DO UPDATE SET keep_last = $4, keep_days = $5, updated_at = now()
     RETURNING *`,
    [p.accountId, p.sourceType, p.source, p.keepLast, p.keepDays],
  );
  return r.rows[0] as RetentionRow;
}

export async function findPolicy(db: Db, p: Key): Promise<RetentionRow | undefined> {
  const r = await db.query<RetentionRow>(
    'SELECT * FROM snapshot_retention WHERE account_id = $1 AND source_type = $2 AND source = $3',
    [p.accountId, p.sourceType, p.source],
  );
  return r.rows[0];
}

export async function deletePolicy(db: Db, p: Key): Promise<RetentionRow | undefined> {
  const r = await db.query<RetentionRow>(
    'DELETE FROM snapshot_retention WHERE account_id = $1 AND source_type = $2 AND source = $3 RETURNING *',
    [p.accountId, p.sourceType, p.source],
  );
  return r.rows[0];
}

export async function listPolicies(db: Db, accountId: string): Promise<RetentionRow[]> {
  const r = await db.query<RetentionRow>(
    'SELECT * FROM snapshot_retention WHERE account_id = $1 ORDER BY source_type, source',
    [accountId],
  );
  return r.rows;
}

/** The account's snapshots of a source, newest first (copies included: each has its region). */
export async function snapshotsOf(
  db: Db,
  p: Key & Readonly<{ region?: string | undefined; copiesOnly?: boolean }>,
): Promise<SnapshotRow[]> {
  const column = p.sourceType === 'instance' ? 'source_instance' : 'source_database';
  const kind = p.sourceType === 'instance' ? 'physical' : 'logical';
  const r = await db.query<SnapshotRow>(
    `SELECT * FROM snapshots WHERE account_id = $1 AND kind = $2 AND ${column} = $3
       AND ($4::text IS NULL OR region = $4) AND (NOT $5 OR copy_of IS NOT NULL)
     ORDER BY created_at DESC, name`,
    [p.accountId, kind, p.source, p.region ?? null, p.copiesOnly === true],
  );
  return r.rows;
}

/** Ids of snapshots a copy still being made reads from. */
export async function sourcesBeingCopied(db: Db, accountId: string): Promise<Set<string>> {
  const r = await db.query<{ source_id: string }>(
    `SELECT c.source_id FROM snapshot_copies c JOIN snapshots s ON s.id = c.snapshot_id
     WHERE s.account_id = $1 AND s.status = 'creating'`,
    [accountId],
  );
  return new Set(r.rows.map((x) => x.source_id));
}

/** Available snapshots in `sourceRegion` with no copy (being made or made) in `targetRegion`. */
export async function missingCopies(
  db: Db,
  p: Readonly<{
    accountId: string;
    sourceRegion: string;
    targetRegion: string;
    database?: string | undefined;
    instance?: string | undefined;
  }>,
): Promise<SnapshotRow[]> {
  const r = await db.query<SnapshotRow>(
    `SELECT * FROM snapshots s WHERE account_id = $1 AND region = $2 AND status = 'available'
       AND ($4::text IS NULL OR (kind = 'logical' AND source_database = $4))
       AND ($5::text IS NULL OR (kind = 'physical' AND source_instance = $5))
       AND NOT EXISTS (SELECT 1 FROM snapshots c WHERE c.copy_of = s.arn AND c.region = $3 AND c.status <> 'failed')
     ORDER BY created_at, name`,
    [p.accountId, p.sourceRegion, p.targetRegion, p.database ?? null, p.instance ?? null],
  );
  return r.rows;
}
