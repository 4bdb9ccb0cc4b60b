import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../test-support/database.js';
import { createPool, type Pool, withTransaction, writeLater } from './db.js';
import { createNotifier } from './notifier.js';

describe('the store handles', () => {
  const db = useTestDatabase({ migrated: false });
  let pool: Pool;
  beforeAll(async () => {
    pool = createPool(db.url, { max: 3 });
    await pool.query('CREATE TABLE t (id int PRIMARY KEY, v text)');
  });
  afterAll(() => pool.end());
  const rows = async () => (await pool.query('SELECT id, v FROM t ORDER BY id')).rows;
  const insert = (id: number, v: string) => ({
    text: 'INSERT INTO t (id, v) VALUES ($1, $2)',
    values: [id, v],
  });

  it('sends held writes before the next query of the transaction, so that it sees them', async () => {
    const seen = await withTransaction(pool, async (tx) => {
      await writeLater(tx, insert(1, 'a'), insert(2, 'b'));
      const count = (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM t')).rows[0]?.n;
      await writeLater(tx, { text: 'UPDATE t SET v = $2 WHERE id = $1', values: [2, 'c'] });
      const v = (await tx.query<{ v: string }>('SELECT v FROM t WHERE id = 2')).rows[0]?.v;
      return { count, v };
    });
    expect(seen).toEqual({ count: 2, v: 'c' });
    expect(await rows()).toEqual([
      { id: 1, v: 'a' },
      { id: 2, v: 'c' },
    ]);
  });

  it('sends the writes held at the end before COMMIT, with their notifications', async () => {
    const notifier = createNotifier(pool);
    try {
      for (let heard = false; !heard; ) {
        const probe = notifier.wait('db_test', 500, 'probe');
        await pool.query("SELECT pg_notify('db_test', 'probe')");
        heard = await probe;
      }
      const woken = notifier.wait('db_test', 10_000, 'done');
      await withTransaction(pool, async (tx) => {
        await writeLater(tx, insert(3, 'x'), {
          text: 'SELECT pg_notify($1, $2)',
          values: ['db_test', 'done'],
        });
      });
      expect(await woken).toBe(true);
      expect((await rows()).map((r) => r.id)).toEqual([1, 2, 3]);
    } finally {
      await notifier.close();
    }
  });

  it('rolls the whole transaction back when a held write fails at commit', async () => {
    await expect(
      withTransaction(pool, async (tx) => {
        await tx.query('UPDATE t SET v = $1 WHERE id = 1', ['changed']);
        await writeLater(tx, insert(4, 'y'), insert(1, 'duplicate key'));
      }),
    ).rejects.toThrow(/duplicate key/);
    expect(await rows()).toEqual([
      { id: 1, v: 'a' },
      { id: 2, v: 'c' },
      { id: 3, v: 'x' },
    ]);
  });

  it('runs writes at once outside a transaction, and refuses a statement it cannot combine', async () => {
    await writeLater(pool, insert(5, 'p'), insert(6, 'q'));
    expect((await rows()).map((r) => r.id)).toEqual([1, 2, 3, 5, 6]);
    await expect(
      writeLater(pool, insert(7, 'r'), { text: 'WITH a AS (SELECT 1) DELETE FROM t', values: [] }),
    ).rejects.toThrow(/WITH clause/);
    expect((await rows()).map((r) => r.id)).toEqual([1, 2, 3, 5, 6]);
  });

  it('prepares a statement once per connection and reuses it', async () => {
    const client = await pool.connect();
    try {
      for (let i = 0; i < 3; i++) await client.query('SELECT v FROM t WHERE id = $1', [1]);
      const prepared = await client.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement LIKE 'SELECT v FROM t WHERE id = $1%'",
      );
      expect(prepared.rows[0]?.n).toBe(1);
    } finally {
      client.release();
    }
  });
});
