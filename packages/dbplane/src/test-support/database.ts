import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, inject } from 'vitest';
import { admin, withDatabase } from './global-setup.js';

export interface TestDatabase {
  /** URL of this file's own database (a clone of the migrated template). */
  readonly url: string;
  readonly name: string;
  /** URL of the server's maintenance database, for tests that create more databases. */
  readonly serverUrl: string;
}

/**
 * Gives the calling test file its own migrated database, dropped afterwards.
 * Fails the file when it leaves connections open.
 *
 * @example
 * const db = useTestDatabase();
 * it('...', async () => { const pool = createPool(db.url); ... });
 */
export function useTestDatabase(options: { migrated?: boolean } = {}): TestDatabase {
  const serverUrl = inject('pgUrl');
  const name = `dbplane_t_${randomBytes(5).toString('hex')}`;
  const template = options.migrated === false ? 'template0' : inject('templateDb');
  beforeAll(async () => {
    await admin(serverUrl, (c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  });
  afterAll(async () => {
    const leaked = await admin(serverUrl, async (c) => {
      // a closed client's backend can take a moment to exit: wait before calling it a leak
      let open: { application_name: string; state: string; query: string }[] = [];
      for (let i = 0; i < 50; i++) {
        const r = await c.query<{ application_name: string; state: string; query: string }>(
          'SELECT application_name, state, left(query, 120) AS query FROM pg_stat_activity WHERE datname = $1',
          [name],
        );
        open = r.rows;
        if (open.length === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      return open;
    });
    if (leaked.length > 0) {
      throw new Error(
        `test file leaked ${leaked.length} connection(s) to ${name}: ${JSON.stringify(leaked)}`,
      );
    }
  });
  return { url: withDatabase(serverUrl, name), name, serverUrl };
}
