import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createPool } from '../store/db.js';
import { migrate } from '../store/migrate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string;
    templateDb: string;
  }
}

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Once per test run: find a PostgreSQL server (DBPLANE_TEST_DATABASE_URL, the
 * one on 127.0.0.1:5432, or else one started from the embedded binaries),
 * and build a migrated template database that each test file clones.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let stopServer = async () => {};
  let url = process.env.DBPLANE_TEST_DATABASE_URL ?? DEFAULT_URL;
  if (!(await reachable(url))) {
    if (process.env.DBPLANE_TEST_DATABASE_URL !== undefined) throw new Error(`cannot reach ${url}`);
    const { locatePostgresBinaries, startLocalPostgres } = await import('../engines/postgres-local/index.js');
    const binaries = await locatePostgresBinaries({ source: 'auto' });
    const server = await startLocalPostgres({
      dataDir: join(process.cwd(), 'node_modules/.cache/dbplane-test-pg'),
      binaries,
    });
    url = server.url;
    stopServer = () => server.stop();
  }
  const templateDb = `dbplane_tpl_${randomBytes(4).toString('hex')}`;
  await admin(url, (c) => c.query(`CREATE DATABASE ${templateDb}`));
  const pool = createPool(withDatabase(url, templateDb), { max: 1 });
  try {
    await migrate(pool);
  } finally {
    await pool.end();
  }
  project.provide('pgUrl', url);
  project.provide('templateDb', templateDb);
  return async () => {
    await admin(url, (c) => c.query(`DROP DATABASE IF EXISTS ${templateDb} WITH (FORCE)`));
    await stopServer();
  };
}

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

export async function admin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
