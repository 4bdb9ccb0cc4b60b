import type { Target } from './connection.js';
import { dialectOf } from './dialect.js';
import type { ColumnInfo, ColumnKind, ForeignKey, SchemaInfo, TableInfo } from './types.js';

interface ColumnRow {
  schema: string;
  table: string;
  name: string;
  type: string;
  max_length: number | string | null;
  nullable: boolean | number | string;
  is_unique: boolean | number | string;
}
interface FkRow {
  schema: string;
  table: string;
  columns: string;
  ref_schema: string;
  ref_table: string;
  ref_columns: string;
}

const PG_KIND: Record<string, [ColumnKind, number | null]> = {
  smallint: ['integer', 16],
  integer: ['integer', 32],
  bigint: ['integer', 64],
  numeric: ['number', null],
  real: ['number', null],
  'double precision': ['number', null],
  text: ['text', null],
  'character varying': ['text', null],
  character: ['text', null],
  citext: ['text', null],
  date: ['date', null],
  'timestamp without time zone': ['timestamp', null],
  'timestamp with time zone': ['timestamp', null],
  uuid: ['uuid', null],
};
const MYSQL_KIND: Record<string, [ColumnKind, number | null]> = {
  tinyint: ['integer', 8],
  smallint: ['integer', 16],
  mediumint: ['integer', 24],
  int: ['integer', 32],
  bigint: ['integer', 64],
  decimal: ['number', null],
  float: ['number', null],
  double: ['number', null],
  char: ['text', null],
  varchar: ['text', null],
  tinytext: ['text', null],
  text: ['text', null],
  mediumtext: ['text', null],
  longtext: ['text', null],
  date: ['date', null],
  datetime: ['timestamp', null],
  timestamp: ['timestamp', null],
  uuid: ['uuid', null],
};

const PG_COLUMNS = `
SELECT n.nspname AS schema, c.relname AS "table", a.attname AS name, format_type(a.atttypid, NULL) AS type,
       CASE WHEN a.atttypid IN (1042, 1043) AND a.atttypmod > 4 THEN a.atttypmod - 4 END AS max_length,
       NOT a.attnotnull AS nullable,
       EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisunique AND i.indnatts = 1
               AND i.indkey[0] = a.attnum AND i.indpred IS NULL) AS is_unique
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
 WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
   AND n.nspname NOT LIKE 'pg\\_%'
 ORDER BY 1, 2, a.attnum`;

const PG_FKS = `
SELECT n.nspname AS schema, c.relname AS "table", rn.nspname AS ref_schema, r.relname AS ref_table,
       (SELECT json_agg(a.attname ORDER BY k.i) FROM unnest(f.conkey) WITH ORDINALITY k(n, i)
          JOIN pg_attribute a ON a.attrelid = f.conrelid AND a.attnum = k.n)::text AS columns,
       (SELECT json_agg(a.attname ORDER BY k.i) FROM unnest(f.confkey) WITH ORDINALITY k(n, i)
          JOIN pg_attribute a ON a.attrelid = f.confrelid AND a.attnum = k.n)::text AS ref_columns
  FROM pg_constraint f JOIN pg_class c ON c.oid = f.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_class r ON r.oid = f.confrelid JOIN pg_namespace rn ON rn.oid = r.relnamespace
 WHERE f.contype = 'f'`;

const MYSQL_COLUMNS = `
SELECT c.TABLE_SCHEMA AS \`schema\`, c.TABLE_NAME AS \`table\`, c.COLUMN_NAME AS name, c.DATA_TYPE AS type,
       CASE WHEN c.DATA_TYPE IN ('char', 'varchar') THEN c.CHARACTER_MAXIMUM_LENGTH END AS max_length,
       c.IS_NULLABLE = 'YES' AS nullable,
       EXISTS (SELECT 1 FROM information_schema.STATISTICS s WHERE s.TABLE_SCHEMA = c.TABLE_SCHEMA
               AND s.TABLE_NAME = c.TABLE_NAME AND s.NON_UNIQUE = 0 AND s.COLUMN_NAME = c.COLUMN_NAME
               AND NOT EXISTS (SELECT 1 FROM information_schema.STATISTICS o WHERE o.TABLE_SCHEMA = s.TABLE_SCHEMA
                   AND o.TABLE_NAME = s.TABLE_NAME AND o.INDEX_NAME = s.INDEX_NAME AND o.SEQ_IN_INDEX > 1)) AS is_unique
  FROM information_schema.COLUMNS c JOIN information_schema.TABLES t
    ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME AND t.TABLE_TYPE = 'BASE TABLE'
 WHERE c.TABLE_SCHEMA = DATABASE()
 ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION`;

const MYSQL_FKS = `
SELECT TABLE_SCHEMA AS \`schema\`, TABLE_NAME AS \`table\`, REFERENCED_TABLE_SCHEMA AS ref_schema,
       REFERENCED_TABLE_NAME AS ref_table,
       CONCAT('[', GROUP_CONCAT(JSON_QUOTE(COLUMN_NAME) ORDER BY ORDINAL_POSITION), ']') AS columns,
       CONCAT('[', GROUP_CONCAT(JSON_QUOTE(REFERENCED_COLUMN_NAME) ORDER BY ORDINAL_POSITION), ']') AS ref_columns
  FROM information_schema.KEY_COLUMN_USAGE
 WHERE TABLE_SCHEMA = DATABASE() AND REFERENCED_TABLE_NAME IS NOT NULL
 GROUP BY TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, REFERENCED_TABLE_SCHEMA, REFERENCED_TABLE_NAME`;

const truthy = (v: boolean | number | string) => v === true || v === 1 || v === '1' || v === 't';

/** How rules name a table: PostgreSQL's `public` tables and every MariaDB table by name alone. */
const ruleName = (engine: Target['engine'], schema: string, table: string) =>
  engine === 'mysql' || schema === 'public' ? table : `${schema}.${table}`;

function column(engine: Target['engine'], r: ColumnRow): ColumnInfo {
  const [kind, bits] = (engine === 'postgres' ? PG_KIND : MYSQL_KIND)[r.type] ?? ['other', null];
  return {
    name: r.name,
    kind,
    type: r.type,
    maxLength: r.max_length === null ? null : Number(r.max_length),
    bits,
    nullable: truthy(r.nullable),
    unique: truthy(r.is_unique),
  };
}

/**
 * The tables (with their columns, single-column uniqueness and row counts
 * of the tables in `counted`) and foreign keys of the connected database.
 */
export async function readSchema(t: Target, counted: ReadonlySet<string>): Promise<SchemaInfo> {
  const pgEngine = t.engine === 'postgres';
  const rows = await t.query<ColumnRow>(pgEngine ? PG_COLUMNS : MYSQL_COLUMNS);
  const byName = new Map<string, TableInfo>();
  for (const r of rows) {
    const name = ruleName(t.engine, r.schema, r.table);
    const table = byName.get(name) ?? { name, schema: r.schema, table: r.table, columns: [], rows: 0 };
    table.columns.push(column(t.engine, r));
    byName.set(name, table);
  }
  for (const table of byName.values()) {
    if (!counted.has(table.name)) continue;
    const ref = dialectOf(t.engine).table(table.schema, table.table);
    const [c] = await t.query<{ n: string | number }>(`SELECT count(*) AS n FROM ${ref}`);
    table.rows = Number(c?.n ?? 0);
  }
  const fks = (await t.query<FkRow>(pgEngine ? PG_FKS : MYSQL_FKS)).map(
    (f): ForeignKey => ({
      table: ruleName(t.engine, f.schema, f.table),
      columns: JSON.parse(f.columns) as string[],
      refTable: ruleName(t.engine, f.ref_schema, f.ref_table),
      refColumns: JSON.parse(f.ref_columns) as string[],
    }),
  );
  return { engine: t.engine, tables: [...byName.values()], foreignKeys: fks };
}
