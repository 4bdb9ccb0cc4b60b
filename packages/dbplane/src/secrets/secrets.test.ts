import { describe, expect, it } from 'vitest';
import { useTestServer } from '../test-support/server.js';

const TOKEN_A = '11111111-1111-4111-8111-111111111111';
const TOKEN_B = '22222222-2222-4222-8222-222222222222';

describe('secrets', () => {
  const server = useTestServer();
  const value = (name: string, q = '', key?: string) =>
    server.call('GET', `/v1/secrets/${encodeURIComponent(name)}/value${q}`, undefined, key);
  const stages = async (name: string) =>
    (await server.call('GET', `/v1/secrets/${encodeURIComponent(name)}`)).body.versionIdsToStages;
  const auditText = async () => JSON.stringify((await server.pool.query('SELECT * FROM audit_records')).rows);

  it('creates a secret with an AWS-like ARN and reads its current value', async () => {
    const res = await server.call('POST', '/v1/secrets', {
      name: 'app/db',
      secretString: '{"password":"hunter2-first"}',
      clientRequestToken: TOKEN_A,
      tags: { team: 'a' },
    });
    expect(res.status).toBe(201);
    expect(res.body.arn).toMatch(
      /^arn:dbplane:secretsmanager:local-1:000000000000:secret:app\/db-[A-Za-z0-9]{6}$/,
    );
    expect(res.body.versionId).toBe(TOKEN_A);
    const got = await value('app/db');
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      versionId: TOKEN_A,
      versionStages: ['AWSCURRENT'],
      secretString: '{"password":"hunter2-first"}',
    });
    expect((await value(res.body.arn)).body.secretString).toBe('{"password":"hunter2-first"}');
  });

  it('stores no plaintext in the database, and audits value reads without the value', async () => {
    const rows = JSON.stringify((await server.pool.query('SELECT * FROM secret_versions')).rows);
    expect(rows).not.toContain('hunter2');
    expect(rows).not.toContain(Buffer.from('hunter2').toString('hex'));
    const reads = await server.pool.query("SELECT * FROM audit_records WHERE action = 'GetSecretValue'");
    expect(reads.rows.length).toBeGreaterThanOrEqual(2);
    expect(await auditText()).not.toContain('hunter2');
  });

  it('moves AWSCURRENT to a new version and AWSPREVIOUS to the old one; tokens are idempotent', async () => {
    const put = await server.call('PUT', '/v1/secrets/app%2Fdb/value', {
      secretString: 'second',
      clientRequestToken: TOKEN_B,
    });
    expect(put.status).toBe(200);
    expect(put.body.versionStages).toEqual(['AWSCURRENT']);
    expect(await stages('app/db')).toEqual({ [TOKEN_A]: ['AWSPREVIOUS'], [TOKEN_B]: ['AWSCURRENT'] });
    const again = await server.call('PUT', '/v1/secrets/app%2Fdb/value', {
      secretString: 'second',
      clientRequestToken: TOKEN_B,
    });
    expect(again.status).toBe(200);
    expect(Object.keys(await stages('app/db'))).toHaveLength(2);
    const clash = await server.call('PUT', '/v1/secrets/app%2Fdb/value', {
      secretString: 'other',
      clientRequestToken: TOKEN_B,
    });
    expect(clash.status).toBe(409);
    expect(JSON.stringify(clash.body)).not.toContain('other');
    expect((await value('app/db', '?versionStage=AWSPREVIOUS')).body.secretString).toContain('hunter2-first');
    expect((await value('app/db', `?versionId=${TOKEN_A}`)).body.versionStages).toEqual(['AWSPREVIOUS']);
    const third = await server.call('PUT', '/v1/secrets/app%2Fdb/value', { secretString: 'third' });
    expect(await stages('app/db')).toEqual({
      [TOKEN_A]: [],
      [TOKEN_B]: ['AWSPREVIOUS'],
      [third.body.versionId]: ['AWSCURRENT'],
    });
    expect(await auditText()).not.toMatch(/"third"|second|hunter2/);
  });

  it('moves a label with UpdateSecretVersionStage', async () => {
    const pend = await server.call('PUT', '/v1/secrets/app%2Fdb/value', {
      secretString: 'pending',
      versionStages: ['AWSPENDING'],
    });
    expect(pend.body.versionStages).toEqual(['AWSPENDING']);
    const current = (await value('app/db')).body.versionId;
    const moved = await server.call('POST', '/v1/secrets/app%2Fdb/stages', {
      versionStage: 'AWSCURRENT',
      moveToVersionId: pend.body.versionId,
      removeFromVersionId: current,
    });
    expect(moved.status).toBe(200);
    const s = await stages('app/db');
    expect(s[pend.body.versionId]).toEqual(expect.arrayContaining(['AWSPENDING', 'AWSCURRENT']));
    expect(s[current]).toEqual(['AWSPREVIOUS']);
    expect((await value('app/db')).body.secretString).toBe('pending');
  });

  it('fails to decrypt a ciphertext swapped to another row', async () => {
    await server.call('POST', '/v1/secrets', { name: 'other', secretString: 'other-value' });
    await server.pool.query(
      `UPDATE secret_versions t SET ciphertext = s.ciphertext, iv = s.iv, auth_tag = s.auth_tag, wrapped_key = s.wrapped_key,
         key_id = s.key_id, key_version = s.key_version
       FROM secret_versions s JOIN secrets o ON o.id = s.secret_id AND o.name = 'app/db'
       WHERE t.secret_id = (SELECT id FROM secrets WHERE name = 'other')`,
    );
    const res = await value('other');
    expect(res.status).toBe(500);
    expect(JSON.stringify(res.body)).not.toMatch(/pending|other-value/);
  });

  it('refuses viewers the value (403) but lets them describe', async () => {
    const viewer = (await server.call('POST', '/v1/api-keys', { name: 'reader', role: 'viewer' })).body
      .secret;
    expect((await value('app/db', '', viewer)).status).toBe(403);
    const denied = await server.pool.query(
      "SELECT status_code FROM audit_records WHERE action = 'GetSecretValue' AND principal_role = 'viewer'",
    );
    expect(denied.rows).toEqual([{ status_code: 403 }]);
    expect((await server.call('GET', '/v1/secrets/app%2Fdb', undefined, viewer)).status).toBe(200);
  });

  it('answers 400 naming the field for bad input, and changes nothing', async () => {
    const count = async () =>
      Number((await server.pool.query('SELECT count(*) AS n FROM secrets')).rows[0].n);
    const before = await count();
    const bad = await server.call('POST', '/v1/secrets', { name: 'bad name!', secretString: 'x' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('name');
    const both = await server.call('POST', '/v1/secrets', {
      name: 'both',
      secretString: 'x',
      secretBinary: 'eA==',
    });
    expect(both.status).toBe(400);
    expect(both.body.error.message).toContain('secretString');
    const win = await server.call('DELETE', '/v1/secrets/app%2Fdb?recoveryWindowInDays=3');
    expect(win.status).toBe(400);
    expect(win.body.error.message).toContain('recoveryWindowInDays');
    expect(await count()).toBe(before);
    expect((await value('app/db')).status).toBe(200);
  });

  it('deletes with a recovery window, restores, and force-deletes', async () => {
    const del = await server.call('DELETE', '/v1/secrets/app%2Fdb?recoveryWindowInDays=7');
    expect(del.status).toBe(200);
    expect((await value('app/db')).status).toBe(400);
    expect((await server.call('GET', '/v1/secrets/app%2Fdb')).body.deletionDate).toBeDefined();
    const names = async (q: string) =>
      (await server.call('GET', `/v1/secrets${q}`)).body.secrets.map((s: { name: string }) => s.name);
    expect(await names('')).not.toContain('app/db');
    expect(await names('?includePlannedDeletion=true')).toContain('app/db');
    expect((await server.call('POST', '/v1/secrets/app%2Fdb/restore')).status).toBe(200);
    expect((await value('app/db')).body.secretString).toBe('pending');
    expect((await server.call('DELETE', '/v1/secrets/app%2Fdb?forceDeleteWithoutRecovery=true')).status).toBe(
      200,
    );
    expect((await value('app/db')).status).toBe(404);
  });

  it('stores binary secrets and lists by prefix and tag', async () => {
    const bin = Buffer.from([0, 1, 2, 255]).toString('base64');
    await server.call('POST', '/v1/secrets', { name: 'bin/one', secretBinary: bin, tags: { env: 'prod' } });
    expect((await value('bin/one')).body.secretBinary).toBe(bin);
    const byPrefix = await server.call('GET', '/v1/secrets?prefix=bin/');
    expect(byPrefix.body.secrets.map((s: { name: string }) => s.name)).toEqual(['bin/one']);
    const byTag = await server.call('GET', '/v1/secrets?tagKey=env&tagValue=prod');
    expect(byTag.body.secrets).toHaveLength(1);
    expect(JSON.stringify(byTag.body)).not.toContain(bin);
  });
});
