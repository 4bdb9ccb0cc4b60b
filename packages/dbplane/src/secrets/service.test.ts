import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyring } from '../kms/keyring.js';
import { createPool, type Pool, withTransaction } from '../store/db.js';
import { migrate } from '../store/migrate.js';
import { useTestDatabase } from '../test-support/database.js';
import { createSecretsService, type SecretsService } from './service.js';

const ACCOUNT = '000000000000';
const TOKEN = '33333333-3333-4333-8333-333333333333';

/** The interface other domains call, inside their own transactions. */
describe('secrets service', () => {
  const db = useTestDatabase();
  let pool: Pool;
  let dir: string;
  let secrets: SecretsService;
  beforeAll(async () => {
    pool = createPool(db.url, { max: 2 });
    await migrate(pool);
    dir = await mkdtemp(join(tmpdir(), 'dbplane-kms-'));
    secrets = createSecretsService({
      pool,
      region: 'local-1',
      keyring: createKeyring({ dataDir: dir, region: 'local-1' }),
    });
  });
  afterAll(async () => {
    await pool.end();
    await rm(dir, { recursive: true, force: true });
  });

  it("rolls back with the caller's transaction", async () => {
    await expect(
      withTransaction(pool, async (tx) => {
        await secrets.create(tx, { accountId: ACCOUNT, name: 'rolled', secretString: 'x' });
        throw new Error('caller failed');
      }),
    ).rejects.toThrow('caller failed');
    await expect(secrets.getValue({ accountId: ACCOUNT, name: 'rolled' })).rejects.toThrow(
      /not found|does not exist/i,
    );
  });

  it('is idempotent for a retried CreateSecret with the same token and value', async () => {
    const p = {
      accountId: ACCOUNT,
      name: 'db/creds',
      secretString: '{"password":"p"}',
      clientRequestToken: TOKEN,
    };
    const first = await withTransaction(pool, (tx) => secrets.create(tx, p));
    const again = await withTransaction(pool, (tx) => secrets.create(tx, p));
    expect(again).toEqual(first);
    await expect(
      withTransaction(pool, (tx) => secrets.create(tx, { ...p, secretString: 'other' })),
    ).rejects.toThrow(/different value/);
    expect((await secrets.getValue({ accountId: ACCOUNT, name: 'db/creds' })).secretString).toBe(
      '{"password":"p"}',
    );
    await withTransaction(pool, (tx) =>
      secrets.scheduleDeletion(tx, { accountId: ACCOUNT, name: 'db/creds', recoveryWindowInDays: 7 }),
    );
    await expect(secrets.getValue({ accountId: ACCOUNT, name: 'db/creds' })).rejects.toThrow(
      /scheduled for deletion/,
    );
  });

  it('purges a secret lazily once its recovery window has passed', async () => {
    await pool.query("UPDATE secrets SET delete_after = now() - interval '1 second' WHERE name = 'db/creds'");
    await expect(secrets.describe({ accountId: ACCOUNT, name: 'db/creds' })).rejects.toThrow(
      /not found|does not exist/i,
    );
    expect((await pool.query('SELECT count(*)::int AS n FROM secret_versions')).rows[0].n).toBe(0);
  });
});
