import pg from 'pg';

/** A database login's fields, as the databases domain keeps them in its secret. */
export interface DatabaseCredentials {
  host: string;
  port: number;
  username: string;
  password: string;
  dbname: string;
}

/**
 * Runs `statements` on PostgreSQL as the login of `c`, in one session, and
 * answers each statement's rows.
 *
 * @example
 * const [rows] = await queryAs(JSON.parse(secret.secretString), ['SELECT count(*) FROM t']);
 */
export async function queryAs(
  c: DatabaseCredentials,
  statements: readonly string[],
): Promise<Record<string, unknown>[][]> {
  const client = new pg.Client({
    host: c.host,
    port: c.port,
    user: c.username,
    password: c.password,
    database: c.dbname,
  });
  await client.connect();
  try {
    const out: Record<string, unknown>[][] = [];
    for (const s of statements) out.push((await client.query(s)).rows);
    return out;
  } finally {
    await client.end();
  }
}
