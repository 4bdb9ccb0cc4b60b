import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import mysql from 'mysql2/promise';
import { DbplaneError } from '../../errors/index.js';
import type { MariadbBinaries } from './binaries.js';

export interface LocalMariadbOptions {
  dataDir: string;
  binaries: MariadbBinaries;
  port?: number;
  host?: string;
  /** The root password; generated (and kept in the data directory) when omitted. */
  rootPassword?: string;
  log?: (line: string) => void;
}

export interface LocalMariadb {
  host: string;
  port: number;
  /** `mysql://root:<password>@host:port` */
  url: string;
  rootPassword: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

interface State {
  port: number;
  rootPassword: string;
}

/** The `mysql` system user when running as root (mariadbd refuses to run as root without it). */
async function systemUser(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const passwd = await readFile('/etc/passwd', 'utf8');
  const line = passwd.split('\n').find((l) => l.startsWith('mysql:'));
  const fields = line?.split(':');
  if (fields === undefined || fields.length < 4)
    throw new DbplaneError('MysqlStartFailed', 'running as root needs a "mysql" system user');
  return { uid: Number(fields[2]), gid: Number(fields[3]) };
}

export async function freePort(host: string, preferred?: number): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(port, host, () => {
        const address = server.address();
        const chosen = typeof address === 'object' && address !== null ? address.port : port;
        server.close(() => resolve(chosen));
      });
    });
  if (preferred !== undefined) {
    try {
      return await tryPort(preferred);
    } catch {
      // taken: pick another
    }
  }
  return tryPort(0);
}

async function readState(dataDir: string): Promise<State | undefined> {
  try {
    return JSON.parse(await readFile(join(dataDir, 'dbplane-instance.json'), 'utf8')) as State;
  } catch {
    return undefined;
  }
}

/**
 * Runs a MariaDB server that dbplane owns under `dataDir`: initialises it on
 * first start (root with a generated password), listens only on `host` and a
 * free port (the last one when still free), with its socket, pid file and log
 * in the data directory. As root, the server runs as the `mysql` user.
 */
export async function startLocalMariadb(options: LocalMariadbOptions): Promise<LocalMariadb> {
  const host = options.host ?? '127.0.0.1';
  const dataDir = options.dataDir;
  const owner = await systemUser();
  await mkdir(dataDir, { recursive: true, mode: 0o750 });
  if (owner !== undefined) {
    await chown(dataDir, owner.uid, owner.gid);
    await allowTraverse(dirname(dataDir));
  }
  const previous = await readState(dataDir);
  const fresh = !(await exists(join(dataDir, 'mysql')));
  if (fresh) await initialise(options, owner);
  const port = options.port ?? (await freePort(host, previous?.port));
  const rootPassword =
    previous?.rootPassword ?? options.rootPassword ?? randomBytes(18).toString('base64url');
  await removeStalePid(dataDir);
  const child = spawnServer(options, host, port, owner !== undefined);
  const stop = () => stopServer(child);
  try {
    await waitReady(host, port, fresh ? '' : rootPassword, child, dataDir);
    if (fresh) await setRootPassword(host, port, rootPassword);
  } catch (err) {
    await stop();
    throw err;
  }
  await writeFile(join(dataDir, 'dbplane-instance.json'), JSON.stringify({ port, rootPassword }), {
    mode: 0o600,
  });
  return {
    host,
    port,
    rootPassword,
    url: `mysql://root:${encodeURIComponent(rootPassword)}@${host}:${port}`,
    child,
    stop,
  };
}

/** Lets the server's user reach its data directory: adds search (x) permission for others on each parent. */
async function allowTraverse(dir: string): Promise<void> {
  for (let d = dir; d !== dirname(d); d = dirname(d)) {
    const s = await stat(d);
    if ((s.mode & 0o001) === 0) await chmod(d, (s.mode & 0o7777) | 0o001);
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function initialise(options: LocalMariadbOptions, owner: { uid: number } | undefined): Promise<void> {
  const args = [
    '--no-defaults',
    `--datadir=${options.dataDir}`,
    '--auth-root-authentication-method=normal',
    '--skip-test-db',
  ];
  if (owner !== undefined) args.push('--user=mysql');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(options.binaries.installDb, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(
            new DbplaneError('MysqlStartFailed', `mariadb-install-db failed (${code}): ${out.slice(-2000)}`),
          ),
    );
  });
}

async function removeStalePid(dataDir: string): Promise<void> {
  const pidFile = join(dataDir, 'mysqld.pid');
  try {
    const pid = Number((await readFile(pidFile, 'utf8')).trim());
    if (pid > 0) {
      try {
        process.kill(pid, 0);
        process.kill(pid, 'SIGKILL'); // an orphan of a killed dbplane: it holds our data directory
        await new Promise((r) => setTimeout(r, 500));
      } catch {
        // not running: the file is stale
      }
    }
    await rm(pidFile, { force: true });
  } catch {
    // no pid file
  }
}

function spawnServer(
  options: LocalMariadbOptions,
  host: string,
  port: number,
  asRoot: boolean,
): ChildProcess {
  const d = options.dataDir;
  const args = [
    '--no-defaults',
    `--datadir=${d}`,
    `--port=${port}`,
    `--bind-address=${host}`,
    `--socket=${join(d, 'mysqld.sock')}`,
    `--pid-file=${join(d, 'mysqld.pid')}`,
    `--log-error=${join(d, 'error.log')}`,
    '--skip-name-resolve=0',
    '--innodb-buffer-pool-size=64M',
    '--character-set-server=utf8mb4',
    '--collation-server=utf8mb4_unicode_ci',
  ];
  if (asRoot) args.push('--user=mysql');
  const child = spawn(options.binaries.server, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (c: Buffer) => options.log?.(c.toString()));
  child.stderr?.on('data', (c: Buffer) => options.log?.(c.toString()));
  return child;
}

async function waitReady(
  host: string,
  port: number,
  password: string,
  child: ChildProcess,
  dataDir: string,
): Promise<void> {
  const deadline = Date.now() + 60_000;
  let last: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      const c = await mysql.createConnection({ host, port, user: 'root', password, connectTimeout: 1000 });
      await c.end();
      return;
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const log = await readFile(join(dataDir, 'error.log'), 'utf8').catch(() => '');
  throw new DbplaneError(
    'MysqlStartFailed',
    `MariaDB did not start on ${host}:${port}: ${(last as Error)?.message ?? 'exited'}\n${log.slice(-2000)}`,
  );
}

async function setRootPassword(host: string, port: number, password: string): Promise<void> {
  const c = await mysql.createConnection({ host, port, user: 'root', password: '' });
  try {
    await c.query(`ALTER USER 'root'@'localhost' IDENTIFIED BY ${mysql.escape(password)}`);
    await c.query(`CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY ${mysql.escape(password)}`);
    await c.query(`GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION`);
  } finally {
    await c.end();
  }
}

function stopServer(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
