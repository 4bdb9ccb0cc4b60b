import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../test-support/cli.js';
import { useTestServer } from '../test-support/server.js';

/** `dbplane bootstrap`, run as a user runs it, against a real server and PostgreSQL (slow). */
describe('dbplane bootstrap CLI', () => {
  const server = useTestServer();
  const sfx = randomBytes(4).toString('hex');
  const instance = `bc-pg-${sfx}`;
  const role = `bc_app_${sfx}`;
  const database = `bc_db_${sfx}`;
  const env = () => ({ DBPLANE_ENDPOINT: server.url, DBPLANE_API_KEY: server.adminKey });
  const cli = (...args: string[]) => runCli(args, env());
  const specFile = async (privileges: string[]) => {
    const file = join(server.dataDir, `spec-${privileges.length}.yaml`);
    await writeFile(
      file,
      [
        'engine: postgres',
        'roles:',
        `  - { name: ${role}, login: true, password: { generate: true } }`,
        'databases:',
        `  - { name: ${database}, owner: postgres }`,
        'grants:',
        `  - { role: ${role}, privileges: [${privileges.join(', ')}], on: { database: ${database} } }`,
        '',
      ].join('\n'),
    );
    return file;
  };

  beforeAll(async () => {
    const made = await server.call('POST', '/v1/instances', {
      name: instance,
      engine: 'postgres',
      provider: 'external',
      url: inject('pgUrl'),
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
  });
  afterAll(async () => {
    const c = new pg.Client({ connectionString: inject('pgUrl') });
    await c.connect();
    try {
      await c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await c.query(`DROP ROLE IF EXISTS "${role}"`);
    } finally {
      await c.end();
    }
  }, 60_000);

  it('plans a file, applies it through the workflow, shows the spec and the drift', {
    timeout: 120_000,
  }, async () => {
    const file = await specFile(['CONNECT', 'TEMPORARY']);
    const plan = await cli('bootstrap', 'plan', '-f', file, '--instance', instance);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain(`+ create role "${role}"`);
    expect(plan.stdout).toContain("PASSWORD '***'");
    expect((await server.call('GET', `/v1/instances/${instance}/bootstrap`)).status).toBe(404);

    const applied = await cli('bootstrap', 'apply', '-f', file, '--instance', instance);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stderr).toContain(`+ create database "${database}"`);
    expect(applied.stderr).toMatch(/bootstrap of .* \(spec v1\): succeeded after/);
    expect(applied.stdout).toMatch(new RegExp(`${instance} converged to spec v1 \\(\\d+ change\\(s\\)\\)`));

    const again = await cli('--output', 'json', 'bootstrap', 'plan', '--instance', instance);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ specVersion: 1, changes: [], problems: [] });

    const show = await cli('bootstrap', 'show', '--instance', instance);
    expect(show.stdout).toContain(`# ${instance}: spec v1`);
    expect(show.stdout).toContain(`name: ${database}`);

    const drift = await cli('bootstrap', 'drift', '--instance', instance);
    expect(drift.code, drift.stderr).toBe(0);
    expect(drift.stdout).toMatch(new RegExp(`^${instance}: converged at `));
    expect(drift.stdout).toContain('no changes');

    const smaller = await cli(
      '--output',
      'json',
      'bootstrap',
      'apply',
      '-f',
      await specFile(['CONNECT']),
      '--instance',
      instance,
    );
    expect(smaller.code, smaller.stderr).toBe(0);
    const out = JSON.parse(smaller.stdout);
    expect(out).toMatchObject({
      instance,
      specVersion: 2,
      executionArn: expect.stringContaining('dbplane-bootstrap'),
    });
    expect(out.changes).toEqual([
      expect.objectContaining({ action: 'revoke', sql: expect.stringMatching(/REVOKE TEMPORARY/) }),
    ]);

    const bad = await cli('bootstrap', 'apply', '-f', file, '--instance', 'no-such-instance');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/error: ResourceNotFound/);
  });
});
