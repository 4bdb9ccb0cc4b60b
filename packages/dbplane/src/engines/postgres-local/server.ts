import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { majorVersion, type PostgresBinaries } from './binaries.js';
import { type ClusterState, initCluster, readState, writeState } from './cluster.js';
import { PostgresLocalCode, PostgresLocalError } from './errors.js';
import { isAlive, liveOrClearStale } from './pidfile.js';
import { type Credentials, logSize, stopPostmaster, waitReady } from './process.js';
import { choosePort, startWithRetry } from './start.js';
import { allowTraverse, checkBinariesUsable, type RunAs, runAsUser } from './user.js';

/** How to run a PostgreSQL server that dbplane owns. */
export interface LocalPostgresOptions {
  dataDir: string;
  binaries: PostgresBinaries;
  /** Default: the port of the last run when free, else a free one. */
  port?: number;
  /** The only address it listens on; default 127.0.0.1. */
  host?: string;
  /** Superuser of a new cluster; default `postgres`. Ignored for an existing cluster. */
  superuser?: string;
  /** Its password; generated when omitted. Ignored for an existing cluster (the remembered one is used). */
  password?: string;
  log?: (line: string) => void;
  /** initdb --no-sync: faster, not crash safe; for tests only. */
  noSync?: boolean;
  /** How long to wait for connections; default 60 s. */
  startTimeoutMs?: number;
}

/** A running server: how to reach it and how to stop it. */
export interface LocalPostgres {
  host: string;
  port: number;
  superuser: string;
  password: string;
  /** postgres://user:pass@host:port/postgres */
  url: string;
  binaries: PostgresBinaries;
  dataDir: string;
  pid: number;
  /** True when a server left running by an earlier dbplane was taken over instead of started. */
  adopted: boolean;
  status(): 'running' | 'stopped';
  /** Fast shutdown; resolves when the postmaster is gone. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts (or adopts) the PostgreSQL server of `dataDir`: initdb on first start,
 * a stale `postmaster.pid` from a crash removed, a live postmaster of the same
 * directory adopted. As root it runs as `postgres` (else `nobody`).
 * Resolves once the server accepts connections.
 */
export async function startLocalPostgres(opts: LocalPostgresOptions): Promise<LocalPostgres> {
  const dataDir = resolve(opts.dataDir);
  const host = opts.host ?? '127.0.0.1';
  const log = opts.log ?? (() => undefined);
  const user = await runAsUser();
  await checkBinariesUsable(opts.binaries, user);
  await prepareDirectory(dataDir, user, log);
  const state = await ensureCluster({ ...opts, dataDir }, user, log);
  const creds = (port: number): Credentials => ({
    host,
    port,
    user: state.superuser,
    password: state.password,
  });
  const timeoutMs = opts.startTimeoutMs ?? 60_000;

  const live = await liveOrClearStale(dataDir, log);
  if (live !== undefined) {
    log(
      `postgres-local: adopting the running postmaster (pid ${live.pid}) of ${dataDir} on port ${live.port}`,
    );
    await waitReady(creds(live.port), live.pid, dataDir, timeoutMs, await logSize(dataDir));
    return handle(opts.binaries, dataDir, creds(live.port), live.pid, true);
  }
  const attempt = { binaries: opts.binaries, dataDir, creds, user, timeoutMs, log };
  const first = opts.port ?? (await choosePort(host, state.port));
  const { pid, port } = await startWithRetry(attempt, first, opts.port !== undefined);
  await writeState(dataDir, { ...state, port });
  if (user) await chown(join(dataDir, 'dbplane-postgres.json'), user.uid, user.gid);
  return handle(opts.binaries, dataDir, creds(port), pid, false);
}

async function prepareDirectory(dataDir: string, user: RunAs | undefined, log: (line: string) => void) {
  await mkdir(dirname(dataDir), { recursive: true });
  if (user) await allowTraverse(dataDir, log);
}

async function ensureCluster(
  opts: LocalPostgresOptions,
  user: RunAs | undefined,
  log: (line: string) => void,
) {
  const dataDir = opts.dataDir;
  const pgVersion = await readFile(join(dataDir, 'PG_VERSION'), 'utf8').catch(() => undefined);
  if (pgVersion === undefined) {
    const superuser = opts.superuser ?? 'postgres';
    const password = opts.password ?? randomBytes(18).toString('base64url');
    const t0 = Date.now();
    await initCluster({
      dataDir,
      binaries: opts.binaries,
      superuser,
      password,
      user,
      noSync: opts.noSync ?? false,
    });
    log(
      `postgres-local: initdb of ${dataDir} (PostgreSQL ${opts.binaries.version}) in ${Date.now() - t0} ms`,
    );
  } else if (pgVersion.trim() !== majorVersion(opts.binaries.version)) {
    throw new PostgresLocalError(
      PostgresLocalCode.VersionMismatch,
      `${dataDir} holds a PostgreSQL ${pgVersion.trim()} cluster but the binaries in ${opts.binaries.bindir} are ` +
        `${opts.binaries.version}; use PostgreSQL ${pgVersion.trim()} binaries (or pg_upgrade the cluster)`,
    );
  }
  if (user) await chown(dataDir, user.uid, user.gid);
  await chmod(dataDir, 0o700);
  const state = await readState(dataDir);
  if (state === undefined)
    throw new PostgresLocalError(
      PostgresLocalCode.StartFailed,
      `${dataDir} is a PostgreSQL cluster that dbplane did not create (no dbplane-postgres.json with its superuser)`,
    );
  return state satisfies ClusterState;
}

function handle(binaries: PostgresBinaries, dataDir: string, c: Credentials, pid: number, adopted: boolean) {
  let stopping: Promise<void> | undefined;
  const url = `postgres://${encodeURIComponent(c.user)}:${encodeURIComponent(c.password)}@${c.host}:${c.port}/postgres`;
  return {
    host: c.host,
    port: c.port,
    superuser: c.user,
    password: c.password,
    url,
    binaries,
    dataDir,
    pid,
    adopted,
    status: () => (isAlive(pid) ? 'running' : 'stopped'),
    stop: () => {
      stopping ??= stopPostmaster(pid);
      return stopping;
    },
  } satisfies LocalPostgres;
}
