import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, receiveOne } from '../test-support/bus.js';
import { runCli } from '../test-support/cli.js';
import { useTestServer } from '../test-support/server.js';

describe('dbplane events|rules|archives|replays', () => {
  const server = useTestServer();
  let env: Record<string, string>;
  let dir: string;
  beforeAll(async () => {
    env = { DBPLANE_ENDPOINT: server.url, DBPLANE_API_KEY: server.adminKey };
    dir = await mkdtemp(join(tmpdir(), 'dbplane-bus-cli-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('creates a rule with a target from a file, puts an event, and lists, disables and deletes', async () => {
    await server.call('POST', '/v1/queues', { name: 'cli-q' });
    const arn = (await server.call('GET', '/v1/queues/cli-q')).body.arn as string;
    const created = await runCli(
      ['rules', 'create', 'cli-rule', '--event-pattern', '{"source":["cli.app"]}'],
      env,
    );
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain(':rule/cli-rule');
    const file = join(dir, 'targets.json');
    await writeFile(file, JSON.stringify([{ id: 'q', arn, inputPath: '$.detail' }]));
    expect((await runCli(['rules', 'put-targets', 'cli-rule', '--targets', `@${file}`], env)).code).toBe(0);
    const targets = await runCli(['--output', 'json', 'rules', 'list-targets', 'cli-rule'], env);
    expect(JSON.parse(targets.stdout).targets[0]).toMatchObject({ id: 'q', arn });
    const put = await runCli(
      ['events', 'put', '--source', 'cli.app', '--detail-type', 'x', '--detail', '{"k":1}'],
      env,
    );
    expect(put.code, put.stderr).toBe(0);
    expect(put.stdout.trim()).toMatch(/^[0-9a-f-]{36}$/);
    const m = await eventually(() => receiveOne(server, 'cli-q'));
    expect(JSON.parse(m.body)).toEqual({ k: 1 });
    expect((await runCli(['rules', 'list'], env)).stdout).toMatch(/^cli-rule\s+ENABLED/m);
    expect((await runCli(['rules', 'disable', 'cli-rule'], env)).stdout).toContain('disabled');
    expect((await runCli(['rules', 'remove-targets', 'cli-rule', 'q'], env)).code).toBe(0);
    expect((await runCli(['rules', 'delete', 'cli-rule'], env)).code).toBe(0);
    const bad = await runCli(['rules', 'create', 'bad', '--event-pattern', '{"source":"x"}'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('/eventPattern/source');
  });

  it('creates an archive and starts a replay', async () => {
    expect((await runCli(['archives', 'create', 'cli-arch'], env)).code).toBe(0);
    expect((await runCli(['archives', 'list'], env)).stdout).toMatch(/^cli-arch\s/m);
    const now = Date.now();
    const started = await runCli(
      [
        'replays',
        'start',
        'cli-replay',
        '--archive',
        'cli-arch',
        '--from',
        new Date(now - 60_000).toISOString(),
        '--to',
        new Date(now).toISOString(),
      ],
      env,
    );
    expect(started.code, started.stderr).toBe(0);
    await eventually(async () => {
      const r = await runCli(['--output', 'json', 'replays', 'describe', 'cli-replay'], env);
      return JSON.parse(r.stdout).state === 'COMPLETED' ? true : undefined;
    });
  });
});
