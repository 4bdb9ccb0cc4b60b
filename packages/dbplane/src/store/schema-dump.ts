import type { Db } from './db.js';

/**
 * A stable text description of the public schema (tables, columns, indexes,
 * constraints), compared in CI with the committed `migrations/schema.txt` so
 * that a migration's effect is reviewed as a diff.
 */
export async function dumpSchema(db: Db): Promise<string> {
  const columns = await db.query<{ t: string; c: string; ty: string; n: string; d: string | null }>(
    `SELECT table_name AS t, column_name AS c, data_type AS ty, is_nullable AS n, column_default AS d
     FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
  );
  const indexes = await db.query<{ i: string; def: string }>(
    `SELECT indexname AS i, indexdef AS def FROM pg_indexes WHERE schemaname = 'public' ORDER BY tablename, indexname`,
  );
  const constraints = await db.query<{ t: string; c: string; def: string }>(
    `SELECT conrelid::regclass::text AS t, conname AS c, pg_get_constraintdef(oid) AS def
     FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2`,
  );
  const lines: string[] = [];
  let table = '';
  for (const col of columns.rows) {
    if (col.t !== table) {
      table = col.t;
      lines.push(`table ${table}`);
    }
    lines.push(
      `  ${col.c} ${col.ty}${col.n === 'NO' ? ' not null' : ''}${col.d === null ? '' : ` default ${col.d}`}`,
    );
  }
  for (const idx of indexes.rows) lines.push(`index ${idx.i}: ${idx.def}`);
  for (const con of constraints.rows) lines.push(`constraint ${con.t}.${con.c}: ${con.def}`);
  return `${lines.join('\n')}\n`;
}
