import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { promisify } from 'node:util';
import { DbplaneError } from '../../errors/index.js';

const run = promisify(execFile);

export interface MariadbBinaries {
  /** The server: `mariadbd` or `mysqld`. */
  server: string;
  /** `mariadb-install-db` or `mysql_install_db`. */
  installDb: string;
  /** e.g. "10.11.19-MariaDB". */
  version: string;
}

const SERVER = [
  '/usr/sbin/mariadbd',
  '/usr/sbin/mysqld',
  '/usr/local/bin/mariadbd',
  '/usr/local/sbin/mariadbd',
];
const INSTALL = [
  '/usr/bin/mariadb-install-db',
  '/usr/bin/mysql_install_db',
  '/usr/local/bin/mariadb-install-db',
];

async function firstExecutable(paths: readonly string[]): Promise<string | undefined> {
  for (const p of paths) {
    try {
      await access(p, constants.X_OK);
      return p;
    } catch {
      // try the next one
    }
  }
  return undefined;
}

/**
 * Finds the machine's MariaDB (or MySQL) server binaries. There is no npm
 * package of MariaDB binaries: without them the `local` MySQL provider is
 * unavailable, and this error says what to install.
 */
export async function locateMariadbBinaries(): Promise<MariadbBinaries> {
  const server = await firstExecutable(SERVER);
  const installDb = await firstExecutable(INSTALL);
  if (server === undefined || installDb === undefined) {
    throw new DbplaneError(
      'MysqlBinariesNotFound',
      'local MySQL instances need the MariaDB server binaries (mariadbd, mariadb-install-db): install mariadb-server (Debian: apt-get install mariadb-server)',
    );
  }
  const { stdout } = await run(server, ['--version']);
  const version = /Ver\s+(\S+)/.exec(stdout)?.[1] ?? 'unknown';
  return { server, installDb, version };
}
