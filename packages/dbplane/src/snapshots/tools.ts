import { execFile, spawn } from 'node:child_process';
import { access, constants, readdir } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { EngineName } from '../engines/admin/index.js';
import { DbplaneError } from '../errors/index.js';

const run = promisify(execFile);

const PROGRAMS = {
  postgres: { dump: ['pg_dump'], load: ['pg_restore'] },
  mysql: { dump: ['mariadb-dump', 'mysqldump'], load: ['mariadb', 'mysql'] },
} as const;

const INSTALL = {
  postgres:
    'install the PostgreSQL client programs of the server version or newer (Debian/Ubuntu: apt-get install postgresql-client; macOS: brew install libpq)',
  mysql: 'install the MariaDB or MySQL client programs (Debian/Ubuntu: apt-get install mariadb-client)',
} as const;

const executable = (file: string) =>
  access(file, constants.X_OK).then(
    () => true,
    () => false,
  );

/** PostgreSQL's directories: the highest `/usr/lib/postgresql/<n>/bin` first, then `pg_config --bindir`. */
async function postgresDirs(): Promise<string[]> {
  const root = '/usr/lib/postgresql';
  const versions = await readdir(root).catch(() => [] as string[]);
  versions.sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
  const dirs = versions.map((v) => join(root, v, 'bin'));
  try {
    const { stdout } = await run('pg_config', ['--bindir'], { timeout: 5000 });
    if (stdout.trim() !== '') dirs.push(stdout.trim());
  } catch {
    // no pg_config on the PATH
  }
  return dirs;
}

/**
 * The engine's own dump or load program: for PostgreSQL next to the server
 * binaries, else on the PATH. Throws `Dbplane.ToolNotFound` naming what to install.
 */
export async function locateTool(
  engine: EngineName,
  purpose: 'dump' | 'load',
  /** Replaces the search (PostgreSQL's directories, then PATH); for tests. */
  searchDirs?: readonly string[],
): Promise<string> {
  const names = PROGRAMS[engine][purpose];
  const dirs = searchDirs ?? [
    ...(engine === 'postgres' ? await postgresDirs() : []),
    ...(process.env.PATH ?? '').split(delimiter).filter(Boolean),
  ];
  for (const name of names)
    for (const dir of dirs) if (await executable(join(dir, name))) return join(dir, name);
  throw new DbplaneError(
    'Dbplane.ToolNotFound',
    `no ${names.join(' or ')} found for a ${engine} snapshot: ${INSTALL[engine]}`,
  );
}

interface Target {
  host: string;
  port: number;
  user: string;
  password: string;
}

const targetOf = (url: string): Target => {
  const u = new URL(url);
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: Number(u.port || (u.protocol.startsWith('postgres') ? 5432 : 3306)),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
  };
};

/** Only what the tool needs: never the server's environment; the password by environment, never argv. */
const envOf = (engine: EngineName, t: Target) => ({
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  LANG: 'C.UTF-8',
  ...(engine === 'postgres'
    ? { PGPASSWORD: t.password, PGCONNECT_TIMEOUT: '10' }
    : { MYSQL_PWD: t.password }),
});

export interface Running<S> {
  stream: S;
  /** Settles when the program exits: rejects with its stderr when it fails. */
  done: Promise<void>;
}

function start(program: string, args: string[], env: Record<string, string>, mode: 'read' | 'write') {
  const child = spawn(program, args, {
    env,
    stdio: mode === 'read' ? ['ignore', 'pipe', 'pipe'] : ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    if (stderr.length < 4000) stderr += c.toString('utf8');
  });
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else {
        const tool = program.split('/').at(-1);
        const why = stderr.trim().slice(0, 2000) || `exit ${code ?? signal}`;
        reject(new DbplaneError('Dbplane.ToolFailed', `${tool} failed: ${why}`));
      }
    });
  });
  return { child, done };
}

/** Starts a logical dump of `database` as the instance's admin; its stdout is the dump. */
export async function startDump(engine: EngineName, adminUrl: string, database: string) {
  const program = await locateTool(engine, 'dump');
  const t = targetOf(adminUrl);
  const args =
    engine === 'postgres'
      ? ['--format=custom', '--compress=0', '-h', t.host, '-p', String(t.port), '-U', t.user, '-d', database]
      : [
          '--single-transaction',
          '--routines',
          '--triggers',
          '--hex-blob',
          '--default-character-set=utf8mb4',
          '--protocol=TCP',
          '-h',
          t.host,
          '-P',
          String(t.port),
          '-u',
          t.user,
          database,
        ];
  const { child, done } = start(program, args, envOf(engine, t), 'read');
  return { stream: child.stdout as Readable, done } satisfies Running<Readable>;
}

/**
 * Starts loading a dump into `database` as the instance's admin; objects are
 * made as (PostgreSQL: owned by) `owner`. Write the dump to `stream`.
 */
export async function startLoad(engine: EngineName, adminUrl: string, database: string, owner: string) {
  const program = await locateTool(engine, 'load');
  const t = targetOf(adminUrl);
  const args =
    engine === 'postgres'
      ? [
          '--no-owner',
          '--no-privileges',
          `--role=${owner}`,
          '--exit-on-error',
          '--single-transaction',
          '-h',
          t.host,
          '-p',
          String(t.port),
          '-U',
          t.user,
          '-d',
          database,
        ]
      : [
          '--default-character-set=utf8mb4',
          '--binary-mode',
          '--protocol=TCP',
          '-h',
          t.host,
          '-P',
          String(t.port),
          '-u',
          t.user,
          database,
        ];
  const { child, done } = start(program, args, envOf(engine, t), 'write');
  return { stream: child.stdin as Writable, done } satisfies Running<Writable>;
}

/**
 * Roughly how many bytes a dump of `database` reads (its tables' data, no
 * indexes), for progress; undefined when the server does not say.
 */
export async function estimateDumpBytes(
  engine: EngineName,
  adminUrl: string,
  database: string,
): Promise<number | undefined> {
  try {
    if (engine === 'postgres') {
      const url = new URL(adminUrl);
      url.pathname = `/${encodeURIComponent(database)}`;
      const client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 5000 });
      await client.connect();
      try {
        const r = await client.query<{ n: string }>(
          `SELECT coalesce(sum(pg_table_size(c.oid)), 0)::text AS n FROM pg_class c
           JOIN pg_namespace s ON s.oid = c.relnamespace
           WHERE c.relkind IN ('r', 'm') AND s.nspname NOT IN ('pg_catalog', 'information_schema')`,
        );
        return Number(r.rows[0]?.n ?? 0);
      } finally {
        await client.end();
      }
    }
    const conn = await mysql.createConnection({ uri: adminUrl, connectTimeout: 5000 });
    try {
      const [rows] = await conn.query(
        'SELECT coalesce(sum(data_length), 0) AS n FROM information_schema.tables WHERE table_schema = ?',
        [database],
      );
      return Number((rows as { n: unknown }[])[0]?.n ?? 0);
    } finally {
      await conn.end();
    }
  } catch {
    return undefined;
  }
}

/** Percent done of a dump: 5 once it runs, up to 95 while bytes come, 100 only once stored. */
export function dumpProgress(read: number, estimate: number | undefined): number {
  if (estimate === undefined || estimate <= 0) return 5;
  return 5 + Math.floor(90 * Math.min(1, read / estimate));
}
