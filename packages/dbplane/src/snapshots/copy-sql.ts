import type { Db } from '../store/db.js';
import type { SnapshotRow } from './sql.js';
import type { WrittenPart } from './store.js';

/** The durable progress of one copy (the destination snapshot's row in `snapshot_copies`). */
export interface CopyRow {
  snapshot_id: string;
  source_id: string;
  source_arn: string;
  target_region: string;
  key_ref: string;
  /** base64 of the destination file's header bytes (the data key in it is wrapped). */
  header: string | null;
  upload_id: string | null;
  part_bytes: number | null;
  parts_total: number | null;
  parts: WrittenPart[];
  parts_written: number;
  resumed_from_part: number | null;
  attempts: number;
}

/** A copy row of `source` in `targetRegion`: the same source columns, status creating. */
export async function insertCopy(
  db: Db,
  p: Readonly<{
    id: string;
    accountId: string;
    name: string;
    arn: string;
    source: SnapshotRow;
    targetRegion: string;
    keyRef: string;
    tags: Record<string, string>;
  }>,
): Promise<SnapshotRow | undefined> {
  const r = await db.query<SnapshotRow>(
    `INSERT INTO snapshots (id, account_id, name, arn, kind, source_database, engine, source_instance,
       status, region, location, tags, copy_of)
     SELECT $1, $2, $3, $4, kind, source_database, engine, source_instance, 'creating', $5, $6, $7, arn
       FROM snapshots WHERE id = $8
     ON CONFLICT (account_id, name) DO NOTHING RETURNING *`,
    [
      p.id,
      p.accountId,
      p.name,
      p.arn,
      p.targetRegion,
      `${p.accountId}/${p.id}.snap`,
      JSON.stringify(p.tags),
      p.source.id,
    ],
  );
  const row = r.rows[0];
  if (row === undefined) return undefined;
  await db.query(
    `INSERT INTO snapshot_copies (snapshot_id, source_id, source_arn, target_region, key_ref)
     VALUES ($1, $2, $3, $4, $5)`,
    [p.id, p.source.id, p.source.arn, p.targetRegion, p.keyRef],
  );
  return row;
}

export async function findCopy(db: Db, snapshotId: string): Promise<CopyRow | undefined> {
  return (await db.query<CopyRow>('SELECT * FROM snapshot_copies WHERE snapshot_id = $1', [snapshotId]))
    .rows[0];
}

/** Records the destination header and upload once; answers the row as it is after (a racing attempt's wins). */
export async function planCopy(
  db: Db,
  p: Readonly<{ id: string; header: string; uploadId: string; partBytes: number; partsTotal: number }>,
): Promise<CopyRow> {
  await db.query(
    `UPDATE snapshot_copies SET header = $2, upload_id = $3, part_bytes = $4, parts_total = $5, updated_at = now()
     WHERE snapshot_id = $1 AND header IS NULL`,
    [p.id, p.header, p.uploadId, p.partBytes, p.partsTotal],
  );
  return (await findCopy(db, p.id)) as CopyRow;
}

/** An attempt begins: counted, and where it resumes when parts were already written. */
export async function beginAttempt(db: Db, p: Readonly<{ id: string; resumedFrom: number }>): Promise<void> {
  await db.query(
    `UPDATE snapshot_copies SET attempts = attempts + 1,
       resumed_from_part = CASE WHEN $2 > 0 THEN $2 ELSE resumed_from_part END, updated_at = now()
     WHERE snapshot_id = $1`,
    [p.id, p.resumedFrom],
  );
}

/** A part is durably in the store: recorded (replacing an earlier write of it) and the progress moved. */
export async function recordPart(
  db: Db,
  p: Readonly<{ id: string; part: WrittenPart; progress: number }>,
): Promise<void> {
  await db.query(
    `WITH c AS (
       UPDATE snapshot_copies SET
         parts = (SELECT COALESCE(jsonb_agg(x ORDER BY (x->>'part')::int), '[]'::jsonb)
                    FROM jsonb_array_elements(parts) x WHERE (x->>'part')::int <> $3) || $2::jsonb,
         parts_written = parts_written + 1, updated_at = now()
       WHERE snapshot_id = $1 RETURNING snapshot_id)
     UPDATE snapshots SET progress = $4, updated_at = now() WHERE id = $1 AND status = 'creating'`,
    [p.id, JSON.stringify([p.part]), p.part.part, p.progress],
  );
}

/** The name of a copy still being made from snapshot `sourceId`, if any. */
export async function copyInProgress(db: Db, sourceId: string): Promise<string | undefined> {
  const r = await db.query<{ name: string }>(
    `SELECT s.name FROM snapshot_copies c JOIN snapshots s ON s.id = c.snapshot_id
     WHERE c.source_id = $1 AND s.status = 'creating' LIMIT 1`,
    [sourceId],
  );
  return r.rows[0]?.name;
}
