import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from './load.js';

describe('loadConfig', () => {
  const dirs: string[] = [];
  const tempDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dbplane-config-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('uses documented defaults', () => {
    expect(loadConfig()).toEqual({
      dataDir: './.dbplane',
      host: '127.0.0.1',
      port: 7070,
      embeddedPostgres: 'auto',
      region: 'local-1',
      logLevel: 'info',
      shutdownTimeoutMs: 10_000,
      httpTaskAllowedHosts: '127.0.0.1,localhost,::1',
      workers: 'on',
      taskLeaseMs: 30_000,
      executionLogRetentionDays: 14,
      executionRetentionDays: 90,
      snapshotStore: '',
      snapshotCopyPartBytes: 8 * 1024 * 1024,
      snapshotCopyPartDelayMs: 0,
    });
  });

  it('layers defaults < file < environment < flags', async () => {
    const dir = await tempDir();
    const file = join(dir, 'dbplane.yaml');
    await writeFile(file, 'port: 8000\nregion: eu-west-1\nlogLevel: debug\nhost: 0.0.0.0\n');
    const config = loadConfig({
      file,
      env: { DBPLANE_PORT: '8001', DBPLANE_REGION: 'us-east-2' },
      flags: { port: 8002 },
    });
    expect(config).toMatchObject({ port: 8002, region: 'us-east-2', logLevel: 'debug', host: '0.0.0.0' });
  });

  it('names the bad setting and where it came from', () => {
    expect(() => loadConfig({ env: { DBPLANE_PORT: 'seventy' } })).toThrow(/DBPLANE_PORT: .*"seventy"/);
    expect(() => loadConfig({ flags: { port: 70_000 } })).toThrow(/--port: .*70000/);
    expect(() => loadConfig({ env: { DBPLANE_EMBEDDED_POSTGRES: 'docker' } })).toThrow(
      /DBPLANE_EMBEDDED_POSTGRES/,
    );
    expect(() => loadConfig({ env: { DBPLANE_DATABASE_URL: 'mysql://x' } })).toThrow(/DBPLANE_DATABASE_URL/);
  });

  it('rejects unknown keys and unreadable files in a config file', async () => {
    const dir = await tempDir();
    const file = join(dir, 'bad.yaml');
    await writeFile(file, 'prot: 7070\n');
    expect(() => loadConfig({ file })).toThrow(/unknown setting\(s\) prot/);
    expect(() => loadConfig({ file: join(dir, 'missing.yaml') })).toThrow(/cannot read config file/);
    await writeFile(file, 'port: 1\n');
    expect(() => loadConfig({ env: { DBPLANE_CONFIG: file } })).not.toThrow();
    expect(loadConfig({ env: { DBPLANE_CONFIG: file } }).port).toBe(1);
  });
});
