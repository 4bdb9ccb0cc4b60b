import pg from 'pg';

/**
 * The control-plane store's handles. `Db` is anything that can run a query:
 * the pool, or a client inside a transaction. Domains take a `Db` so the same
 * function works inside or outside a transaction.
 */
export interface Db {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>>;
}

export type Pool = pg.Pool;

/** Opens a pool; `application_name` shows in pg_stat_activity. */
export function createPool(url: string, options: { max?: number; applicationName?: string } = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'dbplane',
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client that loses its server must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  return pool;
}

/**
 * Runs `fn` in one transaction: commits when it returns, rolls back when it
 * throws (and rethrows).
 *
 * @example
 * await withTransaction(pool, async (tx) => { await tx.query('insert ...'); });
 */
export async function withTransaction<T>(pool: pg.Pool, fn: (tx: Db) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
