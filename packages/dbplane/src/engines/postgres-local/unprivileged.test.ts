import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, expect, it } from 'vitest';

const run = promisify(execFile);
const NOBODY = 65534;
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dbplane-pg-user-'));
  await chmod(dir, 0o777);
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A script that starts and stops a server, run by a non-root user. */
const script = (source: string) => `
import { locatePostgresBinaries, startLocalPostgres } from ${JSON.stringify(join(import.meta.dirname, 'index.ts'))};
const binaries = await locatePostgresBinaries({ source: ${JSON.stringify(source)} });
const server = await startLocalPostgres({ dataDir: process.argv[2], binaries, noSync: true });
console.log(JSON.stringify({ uid: process.getuid(), adopted: server.adopted }));
await server.stop();
`;

// As a normal user the whole suite already takes the non-root path; as root
// (CI), this runs the same module as `nobody`.
it.runIf(process.getuid?.() === 0).each(['system', 'npm'])(
  'runs as an unprivileged user (%s binaries)',
  async (source) => {
    const file = join(dir, 'run.mts');
    await writeFile(file, script(source), { mode: 0o644 });
    const { stdout } = await run(process.execPath, ['--import', 'tsx', file, join(dir, 'data')], {
      uid: NOBODY,
      gid: NOBODY,
      cwd: process.cwd(),
      env: { ...process.env, HOME: dir },
      timeout: 45_000,
    });
    expect(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}')).toEqual({ uid: NOBODY, adopted: false });
  },
);
