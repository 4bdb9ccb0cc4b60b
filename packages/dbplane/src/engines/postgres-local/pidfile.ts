import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile, realpath, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** What `postmaster.pid` says: pid, data directory, port (lines 1, 2 and 4). */
export interface PidFile {
  pid: number;
  dataDir: string;
  port: number;
}

export async function readPidFile(dataDir: string): Promise<PidFile | undefined> {
  const text = await readFile(join(dataDir, 'postmaster.pid'), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const lines = text.split('\n');
  return { pid: Number(lines[0]), dataDir: lines[1] ?? '', port: Number(lines[3]) };
}

/** Whether a process with this pid exists (EPERM: exists, owned by someone else). */
export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return !isZombie(pid);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A dead process not yet reaped (e.g. in a container whose pid 1 does not reap). */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

async function commandLine(pid: number): Promise<string | undefined> {
  const proc = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
  if (proc !== undefined) return proc.split('\0').join(' ');
  return new Promise((done) =>
    execFile('ps', ['-p', String(pid), '-o', 'command='], (err, stdout) =>
      done(err ? undefined : stdout.trim()),
    ),
  );
}

/** Whether `pid` is a live postmaster serving `dataDir` (by its command line `postgres -D <dataDir>`). */
export async function isPostmasterOf(pid: number, dataDir: string): Promise<boolean> {
  if (!isAlive(pid)) return false;
  const cmd = await commandLine(pid);
  if (cmd === undefined || !/postgres/.test(cmd)) return false;
  const match = /(?:^|\s)-D\s+(\S+)/.exec(cmd);
  if (match?.[1] === undefined) return false;
  const [a, b] = await Promise.all([canonical(match[1]), canonical(dataDir)]);
  return a === b;
}

async function canonical(path: string): Promise<string> {
  return realpath(path).catch(() => resolve(path));
}

/**
 * Looks at `postmaster.pid`: the live postmaster of this data directory when
 * there is one; otherwise removes a stale file (left by a SIGKILL) and
 * answers undefined.
 */
export async function liveOrClearStale(
  dataDir: string,
  log: (line: string) => void,
): Promise<PidFile | undefined> {
  const pidFile = await readPidFile(dataDir);
  if (pidFile === undefined) return undefined;
  if (await isPostmasterOf(pidFile.pid, dataDir)) return pidFile;
  log(`postgres-local: removing stale postmaster.pid (pid ${pidFile.pid} is not a postgres of ${dataDir})`);
  await rm(join(dataDir, 'postmaster.pid'), { force: true });
  return undefined;
}

/** Waits until `pid` is gone; false on timeout. */
export async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}
