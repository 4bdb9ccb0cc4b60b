import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../test-support/database.js';
import { createPool, type Pool } from './db.js';
import { createNotifier, type Notifier } from './notifier.js';

describe('notifier', () => {
  const db = useTestDatabase();
  let pool: Pool;
  let notifier: Notifier;
  beforeAll(() => {
    pool = createPool(db.url, { max: 3 });
    notifier = createNotifier(pool);
  });
  afterAll(async () => {
    await notifier.close();
    await pool.end();
  });
  const notify = (channel: string, payload = '') =>
    pool.query('SELECT pg_notify($1, $2)', [channel, payload]);
  const until = async (f: () => boolean) => {
    for (let i = 0; i < 200 && !f(); i++) await new Promise((r) => setTimeout(r, 10));
  };

  it('wakes a waiter on NOTIFY, filtered by payload', async () => {
    notifier.cursor('t_payload');
    const woken = notifier.wait('t_payload', 5000, 'b');
    await new Promise((r) => setTimeout(r, 50));
    await notify('t_payload', 'a');
    await notify('t_payload', 'b');
    expect(await woken).toBe(true);
    expect(await notifier.wait('t_payload', 50, 'b')).toBe(false);
  });

  it('does not lose a notification that lands between the check and the wait', async () => {
    const before = notifier.cursor('t_race');
    await new Promise((r) => setTimeout(r, 100)); // the LISTEN is in place
    const cursor = notifier.cursor('t_race');
    expect(cursor).toBe(before);
    await notify('t_race');
    await until(() => notifier.cursor('t_race') > cursor);
    const started = Date.now();
    expect(await notifier.wait('t_race', 5000, undefined, undefined, cursor)).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);
    // without a cursor the same notification is gone: the wait runs to its timeout
    expect(await notifier.wait('t_race', 100)).toBe(false);
  });
});
