import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
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
