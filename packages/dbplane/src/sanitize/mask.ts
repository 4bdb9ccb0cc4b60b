import { DbplaneError } from '../errors/index.js';
import type { Target } from './connection.js';
import type { Dialect } from './dialect.js';
import { type TablePlan, updateStatement } from './plan.js';
import type { MaskReport } from './types.js';

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

const markOf = (by: string) => `dbplane: masked by ${by}`;

/**
 * Whether `by` (a run's execution ARN) already masked the connected
 * database: PostgreSQL keeps the mark in the database's comment, written in
 * the masking transaction (so a task delivered twice masks once; pg_dump
 * without --create leaves the comment out of the data). MariaDB: never known.
 */
export async function maskedBy(t: Target, by: string): Promise<boolean> {
  if (t.engine !== 'postgres') return false;
  const [row] = await t.query<{ c: string | null }>(
    "SELECT shobj_description(oid, 'pg_database') AS c FROM pg_database WHERE datname = current_database()",
  );
  return row?.c === markOf(by);
}

/** Foreign keys (and user triggers) off for this transaction: a key and its references change alike. */
async function relaxChecks(t: Target): Promise<void> {
  if (t.engine === 'mysql') {
    await t.query('SET SESSION foreign_key_checks = 0');
    return;
  }
  await t.query('SAVEPOINT relax');
  try {
    await t.query('SET LOCAL session_replication_role = replica');
  } catch {
    // not a superuser: foreign keys stay checked (a hashed key then fails unless its constraint cascades)
    await t.query('ROLLBACK TO SAVEPOINT relax');
  }
}

/**
 * Masks the connected database in one transaction: one `UPDATE` per table,
 * then the free SQL statements in order. Any failure rolls everything back
 * and is reported as `Dbplane.SanitizeFailed` naming the statement.
 */
export async function applyMasking(
  t: Target,
  plan: { d: Dialect; tables: TablePlan[] },
  statements: readonly string[],
  mark?: { database: string; by: string },
): Promise<MaskReport> {
  const report: MaskReport = { tables: [], statements: 0 };
  await t.query(t.engine === 'postgres' ? 'BEGIN' : 'START TRANSACTION');
  let where = '';
  try {
    await relaxChecks(t);
    for (const table of plan.tables) {
      where = `the masking of table "${table.table.name}"`;
      await t.query(updateStatement(plan.d, table));
      report.tables.push({
        table: table.table.name,
        rows: table.table.rows,
        columns: table.columns.map((c) => c.column.name),
      });
    }
    for (const [i, s] of statements.entries()) {
      where = `free SQL statement /sql/${i}`;
      await t.query(s);
      report.statements++;
    }
    if (mark !== undefined && t.engine === 'postgres')
      await t.query(`COMMENT ON DATABASE ${plan.d.id(mark.database)} IS ${plan.d.lit(markOf(mark.by))}`);
    await t.query('COMMIT');
  } catch (err) {
    await t.query('ROLLBACK').catch(() => {});
    throw new DbplaneError('Dbplane.SanitizeFailed', `${where} failed, nothing was changed: ${message(err)}`);
  } finally {
    if (t.engine === 'mysql') await t.query('SET SESSION foreign_key_checks = 1').catch(() => {});
  }
  return report;
}
