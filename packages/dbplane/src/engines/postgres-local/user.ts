import { execFile } from 'node:child_process';
import { chmod, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { PostgresBinaries } from './binaries.js';
import { PostgresLocalCode, PostgresLocalError } from './errors.js';

/** The unprivileged account the server runs as when dbplane runs as root. */
export interface RunAs {
  name: string;
  uid: number;
  gid: number;
}

/**
 * PostgreSQL refuses to run as root: as root, pick the `postgres` system user,
 * else `nobody` (from /etc/passwd). As any other user, undefined (run as self).
 */
export async function runAsUser(): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const passwd = await readFile('/etc/passwd', 'utf8').catch(() => '');
  const users = new Map<string, RunAs>();
  for (const line of passwd.split('\n')) {
    const [name, , uid, gid] = line.split(':');
    if (name && uid && gid) users.set(name, { name, uid: Number(uid), gid: Number(gid) });
  }
  const user = users.get('postgres') ?? users.get('nobody');
  if (user === undefined)
    throw new PostgresLocalError(
      PostgresLocalCode.StartFailed,
      'running as root needs a "postgres" or "nobody" user in /etc/passwd to run PostgreSQL as (it refuses to run as root)',
    );
  return user;
}

/** Spawn options that run a program as `user` (none when undefined). */
export function spawnIdentity(user: RunAs | undefined): { uid?: number; gid?: number } {
  return user === undefined ? {} : { uid: user.uid, gid: user.gid };
}

/** Fails with an explanation when `user` cannot run the binaries (e.g. npm binaries under /root). */
export async function checkBinariesUsable(
  binaries: PostgresBinaries,
  user: RunAs | undefined,
): Promise<void> {
  const program = join(binaries.bindir, 'postgres');
  const error = await new Promise<Error | undefined>((resolve) => {
    execFile(program, ['--version'], { timeout: 10_000, ...spawnIdentity(user) }, (err) =>
      resolve(err ?? undefined),
    );
  });
  if (error === undefined) return;
  const who = user === undefined ? 'the current user' : `user "${user.name}" (uid ${user.uid})`;
  throw new PostgresLocalError(
    PostgresLocalCode.BinariesNotAccessible,
    `${who} cannot run ${program} (${error.message}); as root, PostgreSQL runs as an unprivileged user, ` +
      `so ${binaries.bindir} and every directory above it must be readable and searchable by that user ` +
      '(for example: install the project outside /root, or chmod o+x its parent directories)',
    { cause: error },
  );
}

/** Lets `user` reach `dir`: adds search permission (o+x, not listing) on each parent that lacks it. */
export async function allowTraverse(dir: string, log: (line: string) => void): Promise<void> {
  for (let d = dirname(dir); d !== dirname(d); d = dirname(d)) {
    const s = await stat(d);
    if ((s.mode & 0o001) === 0) {
      await chmod(d, (s.mode & 0o7777) | 0o001);
      log(`postgres-local: added o+x to ${d} so that the server's user can reach its data directory`);
    }
  }
}
