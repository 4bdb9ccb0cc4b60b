import mysql from 'mysql2/promise';

/**
 * Quoting for MySQL/MariaDB with the driver's own rules: identifiers with
 * `escapeId`, literals (account names, passwords) with `escape`.
 */

export const ident = (name: string): string => mysql.escapeId(name, true);
export const literal = (value: string): string => mysql.escape(value);

/** `'name'@'host'`: an account as DDL takes it. */
export const account = (name: string, host: string): string => `${literal(name)}@${literal(host)}`;

/**
 * A database name as a database-level GRANT takes it: `_` and `%` are
 * wildcards there, so they are escaped to mean only this database.
 *
 * @example
 * dbPattern('app_db') // 'app\\_db'
 */
export function dbPattern(name: string): string {
  return name.replace(/[\\_%]/g, (c) => `\\${c}`);
}

/** How information_schema prints a grantee: `'name'@'host'` unescaped (roles have host ''). */
export const granteeText = (name: string, host: string): string => `'${name}'@'${host}'`;

/** Opens an admin connection. */
export async function openConnection(url: string): Promise<mysql.Connection> {
  const c = await mysql.createConnection({ uri: url, connectTimeout: 10_000, multipleStatements: false });
  c.on('error', () => {});
  return c;
}

/** Runs `fn` with a connection to `url`, closed afterwards. */
export async function withConnection<T>(url: string, fn: (c: mysql.Connection) => Promise<T>): Promise<T> {
  const c = await openConnection(url);
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => {});
  }
}

/** Rows of a query. */
export async function rows<T>(c: mysql.Connection, sql: string, values: unknown[] = []): Promise<T[]> {
  const [r] = await c.query(sql, values);
  return r as T[];
}
