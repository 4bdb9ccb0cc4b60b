import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import pg from 'pg';
import type { Config } from '../config/index.js';
import { locatePostgresBinaries, startLocalPostgres } from '../engines/postgres-local/index.js';
import type { Logger } from '../log/logger.js';

export interface StoreHandle {
  /** URL of the control-plane database. */
  url: string;
  /** `embedded` when this node runs the PostgreSQL server itself. */
  kind: 'embedded' | 'external';
  stop(): Promise<void>;
}

const STORE_DB = 'dbplane';

/**
 * The control-plane store: `DBPLANE_DATABASE_URL` when set, otherwise a
 * PostgreSQL server of our own under `<data-dir>/postgres`.
 */
export async function openStore(config: Config, log: Logger): Promise<StoreHandle> {
  if (config.databaseUrl !== undefined) {
    return { url: config.databaseUrl, kind: 'external', stop: async () => {} };
  }
  const binaries = await locatePostgresBinaries({ source: config.embeddedPostgres });
  log.info({ source: binaries.source, version: binaries.version }, 'starting the embedded PostgreSQL');
  const dataDir = join(config.dataDir, 'postgres');
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const server = await startLocalPostgres({
    dataDir,
    binaries,
    log: (line: string) => log.debug({ component: 'postgres' }, line),
  });
  try {
    await ensureDatabase(server.url, STORE_DB);
  } catch (err) {
    await server.stop();
    throw err;
  }
  const url = new URL(server.url);
  url.pathname = `/${STORE_DB}`;
  // the server's own Unix socket costs less per query than loopback TCP
  if (existsSync(join(dataDir, `.s.PGSQL.${server.port}`))) url.searchParams.set('host', resolve(dataDir));
  return { url: url.toString(), kind: 'embedded', stop: () => server.stop() };
}

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}
