import { createHash } from 'node:crypto';
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

const names = new Map<string, string>();

/** A stable name per statement text (the text's hash), remembered for the hot path. */
function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `s${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    if (names.size < 5000) names.set(text, name);
  }
  return name;
}

/** Statements one connection keeps prepared at most; texts past them are parsed each time. */
const PREPARED_PER_CONNECTION = 1000;

/**
 * A client that prepares every parameterized statement once per connection
 * (a named statement, by the text's hash) instead of parsing and planning it
 * on every call: the store's statements are a fixed set, run many times.
 */
class PreparingClient extends pg.Client {
  readonly #prepared = new Set<string>();

  // biome-ignore lint/suspicious/noExplicitAny: pg's query has many overloads; this forwards them all
  override query(...args: any[]): any {
    const [config, values] = args;
    if (typeof config === 'string' && Array.isArray(values) && values.length > 0) {
      const name = statementName(config);
      if (this.#prepared.has(name) || this.#prepared.size < PREPARED_PER_CONNECTION) {
        this.#prepared.add(name);
        args[0] = { name, text: config };
      }
    }
    // biome-ignore lint/suspicious/noExplicitAny: see above
    return (super.query as (...a: any[]) => any)(...args);
  }
}

/** Opens a pool; `application_name` shows in pg_stat_activity. */
export function createPool(url: string, options: { max?: number; applicationName?: string } = {}): pg.Pool {
  const pool = new pg.Pool({
    Client: PreparingClient,
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

/** One statement and its parameters (`$1`, `$2`, ... numbered from 1 in `text`). */
export interface Statement {
  text: string;
  values: unknown[];
}

/**
 * A transaction's handle. Writes whose results nobody reads (`writeLater`)
 * are held and sent as one statement just before the next query or COMMIT,
 * so that their order relative to every other statement is kept and a
 * transaction that ends with several of them pays one round trip for all.
 */
class Transaction implements Db {
  #held: Statement[] = [];
  readonly ended: ((committed: boolean) => void)[] = [];
  constructor(readonly client: pg.PoolClient) {}

  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>> {
    await this.flush();
    return this.client.query<R>(text, values);
  }

  hold(statements: readonly Statement[]): void {
    this.#held.push(...statements);
  }

  async flush(): Promise<void> {
    if (this.#held.length === 0) return;
    const held = this.#held;
    this.#held = [];
    const one = combine(held);
    await this.client.query(one.text, one.values);
  }
}

/**
 * Runs writes whose results nobody reads: inside a transaction, held and sent
 * together with the writes that follow (before the next query or COMMIT);
 * outside one, at once, as one statement. Each is an INSERT, UPDATE or DELETE
 * without a WITH clause, or a SELECT of functions (`pg_notify`). Writes held
 * together run in one statement: two of them must not touch the same rows.
 *
 * @example
 * await writeLater(tx, { text: 'INSERT INTO t (a) VALUES ($1)', values: [1] }, { text: 'SELECT pg_notify($1, $2)', values: ['c', ''] });
 */
export async function writeLater(db: Db, ...statements: Statement[]): Promise<void> {
  if (statements.length === 0) return;
  if (db instanceof Transaction) db.hold(statements);
  else {
    const one = combine(statements);
    await db.query(one.text, one.values);
  }
}

/**
 * Calls `fn` once `db`'s transaction has ended (`committed` false: rolled
 * back); false (and `fn` is never called) when `db` is not a transaction.
 * What `fn` throws is not the transaction's business: it is dropped.
 */
export function onTransactionEnd(db: Db, fn: (committed: boolean) => void): boolean {
  if (!(db instanceof Transaction)) return false;
  db.ended.push(fn);
  return true;
}

/** Several writes as one statement: modifying ones as CTEs, SELECTs as the final select list. */
function combine(statements: readonly Statement[]): { text: string; values: unknown[] } {
  if (statements.length === 1) return statements[0] as Statement;
  const ctes: string[] = [];
  const selects: string[] = [];
  const values: unknown[] = [];
  for (const s of statements) {
    const offset = values.length;
    const text = s.text.trim().replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
    values.push(...s.values);
    if (/^with\b/i.test(text))
      throw new Error(`writeLater cannot combine a statement with a WITH clause: ${text}`);
    if (/^select\b/i.test(text)) selects.push(`(${text})`);
    else ctes.push(`w${ctes.length} AS (${text})`);
  }
  const head = ctes.length === 0 ? '' : `WITH ${ctes.join(', ')} `;
  return { text: `${head}SELECT ${selects.length === 0 ? '1' : selects.join(', ')}`, values };
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
  const tx = new Transaction(client);
  let committed = false;
  try {
    await client.query('BEGIN');
    const result = await fn(tx);
    await tx.flush();
    await client.query('COMMIT');
    committed = true;
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
    for (const ended of tx.ended) {
      try {
        ended(committed);
      } catch {
        // a hook's failure cannot change the transaction's outcome
      }
    }
  }
}
