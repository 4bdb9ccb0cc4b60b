import type { Db } from '../store/db.js';
import type { Sample } from './verify.js';

type RunRef = Readonly<{ accountId: string; executionArn: string }>;

/** Keeps a run's samples (a retried task replaces them). */
export async function saveSamples(db: Db, p: RunRef & { samples: readonly Sample[] }): Promise<void> {
  await db.query('DELETE FROM sanitize_samples WHERE execution_arn = $1 AND account_id = $2', [
    p.executionArn,
    p.accountId,
  ]);
  for (const s of p.samples)
    await db.query(
      `INSERT INTO sanitize_samples (execution_arn, account_id, table_name, column_name, rule, hashes)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [p.executionArn, p.accountId, s.table, s.column, s.rule, s.hashes],
    );
}

export async function loadSamples(db: Db, p: RunRef): Promise<Sample[]> {
  const r = await db.query<{
    table_name: string;
    column_name: string;
    rule: Sample['rule'];
    hashes: string[];
  }>(
    'SELECT table_name, column_name, rule, hashes FROM sanitize_samples WHERE execution_arn = $1 AND account_id = $2',
    [p.executionArn, p.accountId],
  );
  return r.rows.map((x) => ({ table: x.table_name, column: x.column_name, rule: x.rule, hashes: x.hashes }));
}

export async function deleteSamples(db: Db, p: RunRef): Promise<void> {
  await db.query('DELETE FROM sanitize_samples WHERE execution_arn = $1 AND account_id = $2', [
    p.executionArn,
    p.accountId,
  ]);
}
