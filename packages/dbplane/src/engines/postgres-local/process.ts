import { spawn } from 'node:child_process';
import { chown, open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import type { PostgresBinaries } from './binaries.js';
import { PostgresLocalCode, PostgresLocalError } from './errors.js';
import { isAlive, waitGone } from './pidfile.js';
import { type RunAs, spawnIdentity } from './user.js';

export const LOG_FILE = 'server.log';

export interface SpawnParams {
  dataDir: string;
  binaries: PostgresBinaries;
  host: string;
  port: number;
  user: RunAs | undefined;
}

/**
 * Starts the postmaster detached (its own process group, so a terminal's
 * Ctrl-C reaches dbplane, which then stops it in order), with stdout and
 * stderr appended to `<dataDir>/server.log`. Answers its pid.
 */
export async function spawnPostmaster(p: SpawnParams): Promise<number> {
  const logPath = join(p.dataDir, LOG_FILE);
  const logFile = await open(logPath, 'a', 0o600);
  try {
    if (p.user) await chown(logPath, p.user.uid, p.user.gid);
    const socket = join(p.dataDir, `.s.PGSQL.${p.port}`);
    const socketDir = Buffer.byteLength(socket) < 100 ? p.dataDir : ''; // sun_path is ~107 bytes
    const args = ['-D', p.dataDir, '-p', String(p.port), '-c', `listen_addresses=${p.host}`];
    args.push('-c', `unix_socket_directories=${socketDir}`);
    const child = spawn(join(p.binaries.bindir, 'postgres'), args, {
      detached: true,
      stdio: ['ignore', logFile.fd, logFile.fd],
      ...spawnIdentity(p.user),
    });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('spawn', () => resolve(child.pid ?? 0));
      child.once('error', reject);
    });
    child.unref();
    return pid;
  } catch (err) {
    throw new PostgresLocalError(
      PostgresLocalCode.StartFailed,
      `cannot run postgres: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  } finally {
    await logFile.close();
  }
}

export interface Credentials {
  host: string;
  port: number;
  user: string;
  password: string;
}

/** Tries to connect once; the error when the server does not accept connections. */
export async function tryConnect(c: Credentials): Promise<Error | undefined> {
  const client = new pg.Client({ ...c, database: 'postgres', connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (err) {
    return err as Error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Waits until the server accepts connections. Fails early when the postmaster
 * exits; the error carries the tail of the server log written since `logOffset`.
 */
export async function waitReady(
  c: Credentials,
  pid: number,
  dataDir: string,
  timeoutMs: number,
  logOffset: number,
) {
  const deadline = Date.now() + timeoutMs;
  let last: Error | undefined;
  while (Date.now() < deadline) {
    last = await tryConnect(c);
    if (last === undefined) return;
    if (!isAlive(pid)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const why = isAlive(pid) ? `not ready after ${timeoutMs} ms` : 'the server exited';
  throw new PostgresLocalError(
    PostgresLocalCode.StartFailed,
    `PostgreSQL on ${c.host}:${c.port} did not start (${why}; last error: ${last?.message ?? 'none'}). ` +
      `Server log (${join(dataDir, LOG_FILE)}):\n${await logTail(dataDir, logOffset)}`,
    { retryable: true },
  );
}

/** The server log from `offset` on, at most the last 3,000 characters. */
export async function logTail(dataDir: string, offset = 0): Promise<string> {
  const text = await readFile(join(dataDir, LOG_FILE), 'utf8').catch(() => '');
  return text.slice(offset).slice(-3000);
}

export async function logSize(dataDir: string): Promise<number> {
  return stat(join(dataDir, LOG_FILE)).then(
    (s) => s.size,
    () => 0,
  );
}

/** Fast shutdown (SIGINT), then immediate (SIGQUIT), then SIGKILL; resolves when the postmaster is gone. */
export async function stopPostmaster(pid: number): Promise<void> {
  for (const [signal, waitMs] of [
    ['SIGINT', 30_000],
    ['SIGQUIT', 5_000],
    ['SIGKILL', 5_000],
  ] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      return; // already gone
    }
    if (await waitGone(pid, waitMs)) return;
  }
  throw new PostgresLocalError(PostgresLocalCode.StopFailed, `postgres (pid ${pid}) did not exit`);
}
