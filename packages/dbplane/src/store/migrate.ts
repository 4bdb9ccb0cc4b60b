import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { DbplaneError, ErrorCode } from '../errors/index.js';

/** Where the numbered plain-SQL migrations live (same relative place from src/ and dist/). */
export const migrationsDir = fileURLToPath(new URL('../../migrations/', import.meta.url));

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

/** Reads `NNNN_name.sql` files in order; numbers may leave gaps, a duplicate is a bug. */
export function readMigrations(dir = migrationsDir): Migration[] {
  const files = readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort();
  return files.map((file, index) => {
    const version = Number(file.slice(0, 4));
    if (index > 0 && Number(files[index - 1]?.slice(0, 4)) === version) {
      throw new Error(`two migrations are numbered ${version}`);
    }
    const sql = readFileSync(`${dir}/${file}`, 'utf8');
    return {
      version,
      name: file.slice(5, -4),
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
    };
  });
}

const LOCK_KEY = 0x6462706c; // "dbpl": one advisory lock so nodes starting together migrate once.

/**
 * Applies every migration not yet applied, each in its own transaction, under
 * an advisory lock. Idempotent; refuses to run when an applied migration's
 * file changed. Returns the versions it applied.
 */
export async function migrate(pool: pg.Pool, migrations = readMigrations()): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS dbplane_migrations (
      version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now())`);
    const applied = await client.query<{ version: number; checksum: string }>(
      'SELECT version, checksum FROM dbplane_migrations',
    );
    const known = new Map(applied.rows.map((r) => [r.version, r.checksum]));
    const highest = Math.max(0, ...known.keys());
    const done: number[] = [];
    for (const m of migrations) {
      const checksum = known.get(m.version);
      if (checksum !== undefined) {
        if (checksum !== m.checksum) throw changedMigration(m);
        continue;
      }
      if (m.version < highest) {
        throw new DbplaneError(
          ErrorCode.Internal,
          `migration ${m.version}_${m.name} is older than applied migration ${highest}; renumber it`,
        );
      }
      await applyOne(client, m);
      done.push(m.version);
    }
    return done;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => {});
    client.release();
  }
}

async function applyOne(client: pg.PoolClient, m: Migration): Promise<void> {
  try {
    await client.query('BEGIN');
    await client.query(m.sql);
    await client.query('INSERT INTO dbplane_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
      m.version,
      m.name,
      m.checksum,
    ]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw new DbplaneError(
      ErrorCode.Internal,
      `migration ${m.version}_${m.name} failed: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
}

function changedMigration(m: Migration): DbplaneError {
  return new DbplaneError(
    ErrorCode.Internal,
    `migration ${m.version}_${m.name} was changed after it was applied; add a new migration instead`,
  );
}

/** True when every known migration is applied (for /readyz). */
export async function migrationsCurrent(db: pg.Pool, migrations = readMigrations()): Promise<boolean> {
  const result = await db.query<{ n: string }>('SELECT count(*) AS n FROM dbplane_migrations');
  return Number(result.rows[0]?.n ?? 0) >= migrations.length;
}
