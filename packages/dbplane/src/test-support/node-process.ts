import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));

export interface NodeProcess {
  url: string;
  dataDir: string;
  child: ChildProcess;
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Runs `dbplane up` from the sources in a child process (the real CLI, real
 * HTTP), on a given store or on its embedded default, and waits for its URL.
 */
export async function startNodeProcess(options: {
  databaseUrl?: string;
  dataDir?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}): Promise<NodeProcess> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'dbplane-node-')));
  const args = [
    '--conditions=source',
    '--import',
    'tsx',
    'src/cli/main.ts',
    '--data-dir',
    dataDir,
    'up',
    '--port',
    '0',
  ];
  if (options.databaseUrl !== undefined) args.push('--database-url', options.databaseUrl);
  const child = spawn(process.execPath, args, {
    cwd: packageDir,
    env: { ...process.env, DBPLANE_LOG_LEVEL: 'warn', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`dbplane up did not start:\n${out}`)),
      options.timeoutMs ?? 60_000,
    );
    const check = () => {
      const m = /dbplane is up at (http:\/\/\S+)/.exec(out);
      if (m?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`dbplane up exited with ${code}:\n${out}`));
    });
  });
  return {
    url,
    dataDir,
    child,
    output: () => out,
    kill: (signal = 'SIGKILL') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/**
 * A client of a node's API with the admin key it wrote at first start, JSON
 * in and out. `url` is read on every call, so a restarted node is followed.
 *
 * @example
 * const call = await adminClient(() => node.url, node.dataDir);
 * const { status, body } = await call('GET', '/v1/snapshots');
 */
export async function adminClient(url: () => string, dataDir: string) {
  const key = (await readFile(join(dataDir, 'admin.key'), 'utf8')).trim();
  return async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url()}${path}`, {
      method,
      headers:
        body === undefined ? { 'x-api-key': key } : { 'x-api-key': key, 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
}
