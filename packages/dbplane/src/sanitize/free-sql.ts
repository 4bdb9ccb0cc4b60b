import type { Target } from './connection.js';
import type { RuleProblem } from './types.js';

const TRANSACTION_CONTROL =
  /^\s*(begin|start|commit|end|rollback|abort|savepoint|release|prepare\s+transaction|xa\b|lock\s+tables|unlock|set\s+(session\s+|local\s+)?(session_replication_role|autocommit|foreign_key_checks))/i;
const DML = /^\s*(select|insert|update|delete|with|values|merge|replace)\b/i;
const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Problems of the free SQL statements, checked before anything runs:
 * PostgreSQL EXPLAINs each DML statement and runs each other one (DDL) in a
 * transaction that is rolled back; MariaDB prepares each (parsed, names
 * resolved, not run). Transaction control is refused: masking is one
 * transaction.
 */
export async function checkFreeSql(t: Target, statements: readonly string[]): Promise<RuleProblem[]> {
  const out: RuleProblem[] = [];
  const error = (i: number, m: string) => out.push({ path: `/sql/${i}`, message: m, severity: 'error' });
  if (t.engine === 'postgres') await t.query('BEGIN');
  try {
    for (const [i, s] of statements.entries()) {
      if (TRANSACTION_CONTROL.test(s)) {
        error(i, 'transaction control is not allowed: masking runs as one transaction');
        continue;
      }
      if (t.engine === 'postgres') await checkPostgres(t, s).catch((e) => error(i, message(e)));
      else {
        await checkMariadb(t, s).catch((e) => error(i, message(e)));
        if (!DML.test(s))
          out.push({
            path: `/sql/${i}`,
            severity: 'warning',
            message: 'MariaDB commits before a DDL statement: masking is then no longer all or nothing',
          });
      }
    }
  } finally {
    if (t.engine === 'postgres') await t.query('ROLLBACK');
  }
  return out;
}

async function checkPostgres(t: Target, s: string): Promise<void> {
  await t.query('SAVEPOINT free_sql');
  try {
    await t.query(DML.test(s) ? `EXPLAIN ${s}` : s);
    await t.query('RELEASE SAVEPOINT free_sql');
  } catch (err) {
    await t.query('ROLLBACK TO SAVEPOINT free_sql');
    throw err;
  }
}

async function checkMariadb(t: Target, s: string): Promise<void> {
  await t.query('PREPARE dbplane_free_sql FROM ?', [s]);
  await t.query('DEALLOCATE PREPARE dbplane_free_sql');
}
