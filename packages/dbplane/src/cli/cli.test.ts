import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../test-support/cli.js';
import { useTestServer } from '../test-support/server.js';

/** The client commands, run as a user runs them, against a real server. */
describe('dbplane CLI', () => {
  const server = useTestServer();
  let env: Record<string, string>;
  let dir: string;
  beforeAll(async () => {
    env = { DBPLANE_ENDPOINT: server.url, DBPLANE_API_KEY: server.adminKey };
    dir = await mkdtemp(join(tmpdir(), 'dbplane-cli-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('shows status', async () => {
    const r = await runCli(['status'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/health\s+ok/);
    expect(r.stdout).toMatch(/ready\s+ready/);
  });

  it('creates, lists and revokes keys, in text and JSON', async () => {
    const created = await runCli(
      ['keys', 'create', 'robot', '--role', 'operator', '--description', 'CI robot'],
      env,
    );
    expect(created.code).toBe(0);
    const secret = created.stdout.trim().split('\n').at(-1) ?? '';
    expect(secret).toMatch(/^dbp_/);
    const listed = await runCli(['keys', 'list'], env);
    expect(listed.stdout).toMatch(/^NAME\s+ROLE\s+STATUS/m);
    expect(listed.stdout).toMatch(/^robot\s+operator\s+active/m);
    const json = await runCli(['--output', 'json', 'keys', 'list'], env);
    expect(JSON.parse(json.stdout).apiKeys.map((k: { name: string }) => k.name)).toContain('robot');
    const asRobot = await runCli(['keys', 'list'], { ...env, DBPLANE_API_KEY: secret });
    expect(asRobot.code).toBe(1);
    expect(asRobot.stderr).toMatch(/AccessDenied/);
    expect((await runCli(['keys', 'revoke', 'robot'], env)).stdout).toContain('revoked key "robot"');
    const audit = await runCli(['--output', 'json', 'audit', '--action', 'RevokeApiKey'], env);
    expect(JSON.parse(audit.stdout).records[0]).toMatchObject({ action: 'RevokeApiKey', statusCode: 200 });
  });

  it('runs a state machine from a file and follows the execution', async () => {
    const file = join(dir, 'hello.yaml');
    await writeFile(
      file,
      "StartAt: Hi\nStates:\n  Hi:\n    Type: Pass\n    Parameters:\n      greeting.$: States.Format('hello {}', $.who)\n    End: true\n",
    );
    expect((await runCli(['sm', 'create', 'hello', '-f', file], env)).stdout).toContain('stateMachine:hello');
    const run = await runCli(
      ['exec', 'start', 'hello', '--name', 'first', '--input', '{"who":"world"}', '--wait'],
      env,
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('SUCCEEDED');
    expect(run.stdout).toContain('"greeting": "hello world"');
    const history = await runCli(['exec', 'history', 'hello', 'first'], env);
    expect(history.stdout).toMatch(/ExecutionStarted/);
    expect(history.stdout).toMatch(/PassStateEntered\s+Hi/);
    const watched = await runCli(['exec', 'watch', 'hello', 'first'], env);
    expect(watched.stderr).toMatch(/ExecutionSucceeded/);
    const list = await runCli(['exec', 'list', 'hello', '--status', 'SUCCEEDED'], env);
    expect(list.stdout).toMatch(/^first\s+SUCCEEDED/m);
  });

  it('creates, invokes, updates and deletes a function, and shows its logs', async () => {
    const code = join(dir, 'fn');
    await mkdir(code);
    await writeFile(
      join(code, 'index.mjs'),
      "export const handler = async (e) => { console.log('got', e.n); return { twice: e.n * 2 }; };",
    );
    expect(
      (await runCli(['fn', 'create', 'twice', '--handler', 'index.handler', '--code', code], env)).stdout,
    ).toContain('function:twice');
    const out = await runCli(['fn', 'invoke', 'twice', '--payload', '{"n":21}'], env);
    expect(JSON.parse(out.stdout)).toEqual({ twice: 42 });
    expect((await runCli(['fn', 'logs', 'twice'], env)).stdout).toMatch(/got 21/);
    await writeFile(
      join(code, 'index.mjs'),
      'export const handler = async () => { throw new TypeError("nope"); };',
    );
    await runCli(['fn', 'update-code', 'twice', '--code', code], env);
    const failed = await runCli(['fn', 'invoke', 'twice'], env);
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout)).toMatchObject({ errorType: 'TypeError', errorMessage: 'nope' });
    expect((await runCli(['fn', 'list'], env)).stdout).toMatch(/^twice\s+index\.handler/m);
    expect((await runCli(['fn', 'delete', 'twice'], env)).code).toBe(0);
  });

  it('says what is wrong, without a stack trace, and exits 1', async () => {
    const bad = await runCli(['exec', 'start', 'hello', '--input', '{not json'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--input is not valid JSON');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    const missing = await runCli(['sm', 'describe', 'nope'], env);
    expect(missing.stderr).toMatch(/ResourceNotFound: state machine "nope" does not exist/);
    const down = await runCli(['status'], { ...env, DBPLANE_ENDPOINT: 'http://127.0.0.1:9' });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/cannot reach dbplane/);
  });
});
