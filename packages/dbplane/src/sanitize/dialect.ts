import type { EngineName } from '../engines/admin/index.js';

/**
 * The SQL pieces masking is built from, per engine. Identifiers and literals
 * are always quoted here: nothing from a rules document reaches SQL as it is.
 */
export interface Dialect {
  engine: EngineName;
  /** A quoted identifier. */
  id(name: string): string;
  /** A quoted table: `schema.table` (PostgreSQL) or `table` (MariaDB: the connection's database). */
  table(schema: string, table: string): string;
  /** A string literal. */
  lit(value: string): string;
  /** The text form of a value. */
  text(expr: string): string;
  /** 64 lowercase hex digits: SHA-256 of `salt || text`. */
  sha256Hex(salt: string, text: string): string;
  /** The 32 bytes of SHA-256 of `salt || text`. */
  sha256Bytes(salt: string, text: string): string;
  /** Byte `i` (0-based) of `bytes`, 0 to 255. */
  byteAt(bytes: string, i: number): string;
  /**
   * `body` over one computation of `value` per row: PostgreSQL evaluates it once in a
   * fenced subquery (`OFFSET 0`), MariaDB (no lateral scalar subquery) where it is used.
   */
  once(value: string, body: (v: string) => string): string;
  /** An integer (0 to 2^(4n)-1) from hex digits `from` (1-based) to `from+n-1` of `hex`. */
  hexInt(hex: string, from: number, n: number): string;
  substr(s: string, from: string | number, n?: string | number): string;
  concat(parts: string[]): string;
  length(s: string): string;
  repeat(s: string, n: string): string;
  left(s: string, n: string | number): string;
  right(s: string, n: string | number): string;
  /** `arr[1 + index]` of string literals. */
  pick(values: readonly string[], index: string): string;
  /** Every digit replaced by `0`. */
  zeroDigits(s: string): string;
  /** A uniform number in [0, 1). */
  random(): string;
  integerCast(expr: string, bits: number): string;
  addDays(expr: string, days: string): string;
  uuidFromHex(hex: string): string;
  /** `a` is distinct from `b`, NULLs compared as values. */
  distinct(a: string, b: string): string;
}

const pgLit = (v: string) => `'${v.replaceAll("'", "''")}'`;

/** PostgreSQL (connections set `standard_conforming_strings = on`). */
export const postgresDialect: Dialect = {
  engine: 'postgres',
  id: (n) => `"${n.replaceAll('"', '""')}"`,
  table: (s, t) => `${postgresDialect.id(s)}.${postgresDialect.id(t)}`,
  lit: (v) => {
    if (v.includes('\u0000')) throw new Error('a NUL character cannot be part of a PostgreSQL string');
    return pgLit(v);
  },
  text: (e) => `(${e})::text`,
  sha256Hex: (salt, t) => `encode(sha256(convert_to(${salt} || ${t}, 'UTF8')), 'hex')`,
  sha256Bytes: (salt, t) => `sha256(convert_to(${salt} || ${t}, 'UTF8'))`,
  byteAt: (b, i) => `get_byte(${b}, ${i})`,
  once: (value, body) => `(SELECT ${body('s.v')} FROM (SELECT ${value} AS v OFFSET 0) s)`,
  hexInt: (h, from, n) => `('x' || lpad(substr(${h}, ${from}, ${n}), 16, '0'))::bit(64)::bigint`,
  substr: (s, from, n) => (n === undefined ? `substr(${s}, ${from})` : `substr(${s}, ${from}, ${n})`),
  concat: (parts) => `(${parts.join(' || ')})`,
  length: (s) => `char_length(${s})`,
  repeat: (s, n) => `repeat(${s}, ${n})`,
  left: (s, n) => `left(${s}, ${n})`,
  right: (s, n) => `right(${s}, ${n})`,
  pick: (values, i) => `(ARRAY[${values.map(pgLit).join(', ')}])[1 + (${i})]`,
  zeroDigits: (s) => `regexp_replace(${s}, '[0-9]', '0', 'g')`,
  random: () => 'random()',
  integerCast: (e, bits) => `(${e})::${bits <= 16 ? 'smallint' : bits <= 32 ? 'integer' : 'bigint'}`,
  addDays: (e, d) => `(${e} + (${d}) * interval '1 day')`,
  uuidFromHex: (h) => `(left(${h}, 32))::uuid`,
  distinct: (a, b) => `(${a}) IS DISTINCT FROM (${b})`,
};

const hexOf = (v: string) => Buffer.from(v, 'utf8').toString('hex');

/** MariaDB and MySQL: strings as hex literals, so no sql_mode changes what they mean. */
export const mysqlDialect: Dialect = {
  engine: 'mysql',
  id: (n) => `\`${n.replaceAll('`', '``')}\``,
  table: (_s, t) => mysqlDialect.id(t),
  lit: (v) => (v === '' ? "''" : `_utf8mb4 X'${hexOf(v)}'`),
  text: (e) => `CAST(${e} AS CHAR)`,
  sha256Hex: (salt, t) => `SHA2(CONCAT(${salt}, ${t}), 256)`,
  sha256Bytes: (salt, t) => `UNHEX(SHA2(CONCAT(${salt}, ${t}), 256))`,
  byteAt: (b, i) => `ASCII(SUBSTRING(${b}, ${i + 1}, 1))`,
  once: (value, body) => body(value),
  hexInt: (h, from, n) => `CAST(CONV(SUBSTRING(${h}, ${from}, ${n}), 16, 10) AS UNSIGNED)`,
  substr: (s, from, n) => (n === undefined ? `SUBSTRING(${s}, ${from})` : `SUBSTRING(${s}, ${from}, ${n})`),
  concat: (parts) => `CONCAT(${parts.join(', ')})`,
  length: (s) => `CHAR_LENGTH(${s})`,
  repeat: (s, n) => `REPEAT(${s}, ${n})`,
  left: (s, n) => `LEFT(${s}, ${n})`,
  right: (s, n) => `RIGHT(${s}, ${n})`,
  pick: (values, i) => `ELT(1 + (${i}), ${values.map((v) => mysqlDialect.lit(v)).join(', ')})`,
  zeroDigits: (s) => `REGEXP_REPLACE(${s}, '[0-9]', '0')`,
  random: () => 'RAND()',
  integerCast: (e) => `CAST(${e} AS SIGNED)`,
  addDays: (e, d) => `DATE_ADD(${e}, INTERVAL (${d}) DAY)`,
  uuidFromHex: (h) =>
    `LOWER(CONCAT_WS('-', SUBSTRING(${h}, 1, 8), SUBSTRING(${h}, 9, 4), SUBSTRING(${h}, 13, 4), SUBSTRING(${h}, 17, 4), SUBSTRING(${h}, 21, 12)))`,
  distinct: (a, b) => `NOT ((${a}) <=> (${b}))`,
};

export const dialectOf = (engine: EngineName): Dialect =>
  engine === 'postgres' ? postgresDialect : mysqlDialect;
