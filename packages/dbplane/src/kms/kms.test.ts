import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../test-support/cli.js';
import { useTestServer } from '../test-support/server.js';

describe('kms keys', () => {
  const server = useTestServer();
  const DEFAULT = encodeURIComponent('alias/dbplane/default');

  it('creates the default key on first use in a 0600 keyring, and never answers material', async () => {
    const list = await server.call('GET', '/v1/kms-keys');
    expect(list.status).toBe(200);
    const [key] = list.body.keys;
    expect(key).toMatchObject({ alias: 'alias/dbplane/default', currentVersion: 1 });
    expect(key.arn).toBe(`arn:dbplane:kms:local-1:000000000000:key/${key.keyId}`);
    const file = join(server.dataDir, 'keyring.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const ring = JSON.parse(await readFile(file, 'utf8'));
    const material = ring['local-1'][0].versions[0].material as string;
    expect(JSON.stringify(list.body)).not.toContain(material);
    expect((await server.call('GET', `/v1/kms-keys/${DEFAULT}`)).body.keyId).toBe(key.keyId);
  });

  it('rotates: old versions stay readable, new versions use the new material', async () => {
    await server.call('POST', '/v1/secrets', { name: 'before', secretString: 'old-material' });
    const rotated = await server.call('POST', `/v1/kms-keys/${DEFAULT}/rotate`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.currentVersion).toBe(2);
    await server.call('POST', '/v1/secrets', { name: 'after', secretString: 'new-material' });
    const rows = await server.pool.query(
      'SELECT s.name, v.key_version FROM secret_versions v JOIN secrets s ON s.id = v.secret_id ORDER BY s.name',
    );
    expect(rows.rows).toEqual([
      { name: 'after', key_version: 2 },
      { name: 'before', key_version: 1 },
    ]);
    expect((await server.call('GET', '/v1/secrets/before/value')).body.secretString).toBe('old-material');
    expect((await server.call('GET', '/v1/secrets/after/value')).body.secretString).toBe('new-material');
  });

  it('creates a named key that secrets can use; aliases are unique; viewers cannot create', async () => {
    const created = await server.call('POST', '/v1/kms-keys', { alias: 'alias/app', description: 'app' });
    expect(created.status).toBe(201);
    expect((await server.call('POST', '/v1/kms-keys', { alias: 'alias/app' })).status).toBe(409);
    const s = await server.call('POST', '/v1/secrets', {
      name: 'k',
      secretString: 'v',
      kmsKeyId: created.body.arn,
    });
    expect(s.status).toBe(201);
    expect((await server.call('GET', '/v1/secrets/k')).body.kmsKeyId).toBe(created.body.keyId);
    expect((await server.call('GET', '/v1/secrets/k/value')).body.secretString).toBe('v');
    const unknown = await server.call('POST', '/v1/secrets', {
      name: 'k2',
      secretString: 'v',
      kmsKeyId: 'nope',
    });
    expect(unknown.status).toBe(404);
    const viewer = (await server.call('POST', '/v1/api-keys', { name: 'reader', role: 'viewer' })).body
      .secret;
    expect((await server.call('POST', '/v1/kms-keys', {}, viewer)).status).toBe(403);
  });

  it("creates, lists, describes and rotates another region's keys with ?region=, also from the CLI", async () => {
    const made = await server.call('POST', '/v1/kms-keys?region=eu-7', {
      alias: 'alias/qa',
      description: 'QA',
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body.arn).toMatch(/^arn:dbplane:kms:eu-7:000000000000:key\//);
    const there = (await server.call('GET', '/v1/kms-keys?region=eu-7')).body.keys.map(
      (k: { alias: string }) => k.alias,
    );
    expect(there.sort()).toEqual(['alias/dbplane/default', 'alias/qa']);
    const here = (await server.call('GET', '/v1/kms-keys')).body.keys.map((k: { alias: string }) => k.alias);
    expect(here).not.toContain('alias/qa');
    const QA = encodeURIComponent('alias/qa');
    expect((await server.call('GET', `/v1/kms-keys/${QA}?region=eu-7`)).body.keyId).toBe(made.body.keyId);
    expect((await server.call('GET', `/v1/kms-keys/${QA}`)).status).toBe(404);
    const rotated = await server.call('POST', `/v1/kms-keys/${QA}/rotate?region=eu-7`);
    expect(rotated.body).toMatchObject({ keyId: made.body.keyId, currentVersion: 2 });
    const bad = await server.call('GET', '/v1/kms-keys?region=EU%207');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('region');

    const env = { DBPLANE_ENDPOINT: server.url, DBPLANE_API_KEY: server.adminKey };
    const cli = await runCli(['kms', 'create', '--alias', 'alias/cli', '--region', 'eu-7'], env);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toMatch(/^created arn:dbplane:kms:eu-7:000000000000:key\//);
    const listed = await runCli(['kms', 'list', '--region', 'eu-7'], env);
    expect(listed.stdout).toMatch(/alias\/cli/);
    expect((await runCli(['kms', 'list'], env)).stdout).not.toMatch(/alias\/cli/);
  });
});
