import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../test-support/cli.js';
import { useTestServer } from '../test-support/server.js';

describe('dbplane secrets / kms CLI', () => {
  const server = useTestServer();
  let env: Record<string, string>;
  beforeAll(() => {
    env = { DBPLANE_ENDPOINT: server.url, DBPLANE_API_KEY: server.adminKey };
  });

  it('creates, puts, gets, describes, lists, deletes and restores a secret', async () => {
    expect((await runCli(['secrets', 'create', 'cli/one', '--secret-string', 's3cret-1'], env)).code).toBe(0);
    expect((await runCli(['secrets', 'put', 'cli/one', '--secret-string', 's3cret-2'], env)).code).toBe(0);
    expect((await runCli(['secrets', 'get', 'cli/one'], env)).stdout.trim()).toBe('s3cret-2');
    const prev = await runCli(['secrets', 'get', 'cli/one', '--version-stage', 'AWSPREVIOUS'], env);
    expect(prev.stdout.trim()).toBe('s3cret-1');
    const described = await runCli(['secrets', 'describe', 'cli/one'], env);
    expect(described.stdout).toContain('AWSPREVIOUS');
    expect(described.stdout).not.toContain('s3cret');
    expect((await runCli(['secrets', 'list', '--prefix', 'cli/'], env)).stdout).toContain('cli/one');
    const del = await runCli(['secrets', 'delete', 'cli/one', '--recovery-window-in-days', '7'], env);
    expect(del.code).toBe(0);
    expect((await runCli(['secrets', 'get', 'cli/one'], env)).code).not.toBe(0);
    expect((await runCli(['secrets', 'restore', 'cli/one'], env)).code).toBe(0);
    expect((await runCli(['secrets', 'get', 'cli/one'], env)).stdout.trim()).toBe('s3cret-2');
  });

  it('lists, creates and rotates keys', async () => {
    expect((await runCli(['kms', 'list'], env)).stdout).toContain('alias/dbplane/default');
    expect((await runCli(['kms', 'create', '--alias', 'alias/cli'], env)).code).toBe(0);
    const rotated = await runCli(['kms', 'rotate', 'alias/cli'], env);
    expect(rotated.stdout).toContain('version 2');
  });
});
