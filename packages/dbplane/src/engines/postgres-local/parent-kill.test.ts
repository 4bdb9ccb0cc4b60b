import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { type LocalPostgres, locatePostgresBinaries, startLocalPostgres } from './index.js';

let dir: string;
let adopted: LocalPostgres | undefined;
let orphan: number | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dbplane-pg-parent-'));
});

afterEach(async () => {
  await adopted?.stop();
  if (orphan !== undefined && adopted === undefined) process.kill(orphan, 'SIGKILL');
  adopted = undefined;
  orphan = undefined;
  await rm(dir, { recursive: true, force: true });
});

const script = `
import { locatePostgresBinaries, startLocalPostgres } from ${JSON.stringify(join(import.meta.dirname, 'index.ts'))};
const binaries = await locatePostgresBinaries({ source: 'system' });
const server = await startLocalPostgres({ dataDir: process.argv[2], binaries, noSync: true });
console.log(JSON.stringify({ pid: server.pid, port: server.port }));
setInterval(() => undefined, 1000); // keep running until killed
`;

/** Runs the script, answers the server it started once it printed it. */
function startInChild(file: string, dataDir: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', file, dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise<{ child: typeof child; pid: number; port: number }>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve({ child, ...(JSON.parse(out) as { pid: number; port: number }) });
    });
    child.on('exit', (code) => reject(new Error(`child exited ${code}`)));
  });
}

it('a dbplane killed with SIGKILL leaves its server running, and the next start adopts it', async () => {
  const file = join(dir, 'run.mts');
  await writeFile(file, script);
  const first = await startInChild(file, join(dir, 'data'));
  orphan = first.pid;
  first.child.kill('SIGKILL');
  await new Promise((r) => first.child.once('exit', r));

  const binaries = await locatePostgresBinaries({ source: 'system' });
  adopted = await startLocalPostgres({ dataDir: join(dir, 'data'), binaries });
  expect(adopted).toMatchObject({ adopted: true, pid: first.pid, port: first.port });
  await adopted.stop();
  expect(adopted.status()).toBe('stopped');
});
