import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chown, mkdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PostgresBinaries } from './binaries.js';
import { PostgresLocalCode, PostgresLocalError } from './errors.js';
import { type RunAs, spawnIdentity } from './user.js';

/** What dbplane remembers about a cluster, in `<dataDir>/dbplane-postgres.json` (mode 0600). */
export interface ClusterState {
  superuser: string;
  password: string;
  port?: number;
}

const STATE_FILE = 'dbplane-postgres.json';

export async function readState(dataDir: string): Promise<ClusterState | undefined> {
  try {
    return JSON.parse(await readFile(join(dataDir, STATE_FILE), 'utf8')) as ClusterState;
  } catch {
    return undefined;
  }
}

export async function writeState(dataDir: string, state: ClusterState): Promise<void> {
  await writeFile(join(dataDir, STATE_FILE), `${JSON.stringify(state)}\n`, { mode: 0o600 });
}

/** Settings for a small development server; port, address and socket are passed at start. */
const CONFIG = `# written by dbplane (engines/postgres-local)
max_connections = 200
shared_buffers = 64MB
work_mem = 4MB
maintenance_work_mem = 64MB
max_wal_size = 256MB
dynamic_shared_memory_type = posix
logging_collector = off
log_destination = 'stderr'
log_line_prefix = '%m [%p] '
log_timezone = 'UTC'
timezone = 'UTC'
`;

export interface InitParams {
  dataDir: string;
  binaries: PostgresBinaries;
  superuser: string;
  password: string;
  user: RunAs | undefined;
  noSync: boolean;
}

/**
 * Creates the cluster in a sibling directory and renames it into place, so a
 * crash mid-initdb never leaves a half-made `dataDir`.
 */
export async function initCluster(p: InitParams): Promise<void> {
  const staging = `${p.dataDir}.init-${randomBytes(4).toString('hex')}`;
  await mkdir(staging, { mode: 0o700 });
  try {
    const pwfile = join(staging, 'pwfile');
    await writeFile(pwfile, `${p.password}\n`, { mode: 0o600 });
    if (p.user) {
      await chown(staging, p.user.uid, p.user.gid);
      await chown(pwfile, p.user.uid, p.user.gid);
    }
    const pgdata = join(staging, 'pgdata');
    const args = ['-D', pgdata, '-U', p.superuser, `--pwfile=${pwfile}`, '-E', 'UTF8', '--locale=C'];
    args.push('--auth-host=scram-sha-256', '--auth-local=scram-sha-256');
    if (p.noSync) args.push('--no-sync');
    await runInitdb(join(p.binaries.bindir, 'initdb'), args, p.user);
    await writeFile(join(pgdata, 'postgresql.dbplane.conf'), CONFIG);
    await writeFile(join(pgdata, 'postgresql.conf'), "\ninclude 'postgresql.dbplane.conf'\n", { flag: 'a' });
    await writeState(pgdata, { superuser: p.superuser, password: p.password });
    if (p.user)
      for (const f of ['postgresql.dbplane.conf', STATE_FILE])
        await chown(join(pgdata, f), p.user.uid, p.user.gid);
    await rmdir(p.dataDir).catch(() => undefined); // an empty directory made by the caller
    await rename(pgdata, p.dataDir);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

function runInitdb(program: string, args: string[], user: RunAs | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'], ...spawnIdentity(user) });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', (err) =>
      reject(new PostgresLocalError(PostgresLocalCode.InitFailed, `initdb: ${err.message}`)),
    );
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(
            new PostgresLocalError(
              PostgresLocalCode.InitFailed,
              `initdb exited ${code}: ${out.slice(-2000)}`,
            ),
          ),
    );
  });
}
