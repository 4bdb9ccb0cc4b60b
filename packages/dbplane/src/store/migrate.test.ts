import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../test-support/database.js';
import { createPool } from './db.js';
import { migrate, migrationsCurrent, migrationsDir, readMigrations } from './migrate.js';
import { dumpSchema } from './schema-dump.js';

describe('migrations', () => {
  const db = useTestDatabase({ migrated: false });
  const pool = createPool(db.url, { max: 2 });
  afterAll(() => pool.end());

  it('apply to an empty store, then again as a no-op', async () => {
    const all = readMigrations().map((m) => m.version);
    expect(await migrate(pool)).toEqual(all);
    expect(await migrate(pool)).toEqual([]);
    expect(await migrationsCurrent(pool)).toBe(true);
    const applied = await pool.query('SELECT version FROM dbplane_migrations ORDER BY version');
    expect(applied.rows.map((r) => r.version)).toEqual(all);
  });

  it('refuse to run when an applied migration changed', async () => {
    const changed = readMigrations().map((m, i) => (i === 0 ? { ...m, checksum: 'different' } : m));
    await expect(migrate(pool, changed)).rejects.toThrow(/was changed after it was applied/);
  });

  it('refuse a migration numbered below one already applied', async () => {
    const all = readMigrations();
    const late = { version: 2.5, name: 'late', sql: 'SELECT 1', checksum: 'x' };
    await expect(
      migrate(
        pool,
        [...all, late].sort((a, b) => a.version - b.version),
      ),
    ).rejects.toThrow(/older than applied migration/);
  });

  it('build the schema committed in migrations/schema.txt', async () => {
    const actual = await dumpSchema(pool);
    const file = join(migrationsDir, 'schema.txt');
    if (process.env.UPDATE_SCHEMA_DUMP === '1') await writeFile(file, actual);
    const committed = await readFile(file, 'utf8').catch(() => '');
    expect(
      actual,
      'schema differs from migrations/schema.txt; run UPDATE_SCHEMA_DUMP=1 npx vitest run migrate',
    ).toBe(committed);
  });
});
