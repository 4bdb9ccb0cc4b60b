import mysql from 'mysql2/promise';
import pg from 'pg';
import type { EngineName } from '../engines/admin/index.js';
import { clientConfig } from '../engines/admin/pg-config.js';

/** One connection to one database, the same calls over both engines. */
export interface Target {
  engine: EngineName;
  /** Rows of one statement (never several: PostgreSQL by the extended protocol, MariaDB without multipleStatements). */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/**
 * Connects as the instance's admin to `database` on it.
 *
 * @example
 * const t = await openTarget('postgres', adminUrl, 'orders');
 * try { await t.query('SELECT 1'); } finally { await t.close(); }
 */
export async function openTarget(engine: EngineName, adminUrl: string, database: string): Promise<Target> {
  if (engine === 'postgres') {
    const client = new pg.Client(clientConfig(adminUrl, database, 'dbplane-sanitize'));
    client.on('error', () => {});
    await client.connect();
    await client.query('SET standard_conforming_strings = on');
    return {
      engine,
      query: async <T>(sql: string, params: unknown[] = []) =>
        (await client.query({ text: sql, values: params, queryMode: 'extended' } as pg.QueryConfig))
          .rows as T[],
      close: () => client.end(),
    };
  }
  const u = new URL(adminUrl);
  u.pathname = `/${encodeURIComponent(database)}`;
  const conn = await mysql.createConnection({
    uri: u.toString(),
    connectTimeout: 10_000,
    multipleStatements: false,
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    charset: 'utf8mb4',
  });
  conn.on('error', () => {});
  return {
    engine,
    query: async <T>(sql: string, params: unknown[] = []) => {
      const [rows] = await conn.query(sql, params);
      return (Array.isArray(rows) ? rows : []) as T[];
    },
    close: () => conn.end(),
  };
}

/** Runs `fn` with a connection that is closed afterwards. */
export async function withTarget<T>(
  engine: EngineName,
  adminUrl: string,
  database: string,
  fn: (t: Target) => Promise<T>,
): Promise<T> {
  const t = await openTarget(engine, adminUrl, database);
  try {
    return await fn(t);
  } finally {
    await t.close().catch(() => {});
  }
}
