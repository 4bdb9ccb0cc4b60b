import { describe, expect, it } from 'vitest';
import { createNotifier } from '../store/notifier.js';
import { useTestServer } from '../test-support/server.js';
import { createAccountsService } from './service.js';

describe('API keys and authentication', () => {
  const server = useTestServer();
  const auditCount = async () =>
    Number((await server.pool.query('SELECT count(*) AS n FROM audit_records')).rows[0].n);
  const keyCount = async () =>
    Number((await server.pool.query('SELECT count(*) AS n FROM api_keys')).rows[0].n);

  it('refuses a request without a key, with a wrong key and with a malformed key (401)', async () => {
    const none = await server.call('GET', '/v1/api-keys', undefined, null);
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('Unauthenticated');
    const wrongSecret = `${server.adminKey.slice(0, -4)}AAAA`;
    expect((await server.call('GET', '/v1/api-keys', undefined, wrongSecret)).status).toBe(401);
    expect((await server.call('GET', '/v1/api-keys', undefined, 'hello')).status).toBe(401);
  });

  it('accepts the key as x-api-key and as a bearer token', async () => {
    expect((await server.call('GET', '/v1/api-keys')).status).toBe(200);
    const res = await fetch(`${server.url}/v1/api-keys`, {
      headers: { authorization: `Bearer ${server.adminKey}` },
    });
    expect(res.status).toBe(200);
  });

  it('creates a key whose secret is shown once and stored only as a hash', async () => {
    const created = await server.call('POST', '/v1/api-keys', {
      name: 'ci',
      role: 'operator',
      description: 'CI',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'ci', role: 'operator', status: 'active' });
    expect(created.body.arn).toBe('arn:dbplane:iam:local-1:000000000000:api-key/ci');
    expect(created.body.secret).toMatch(/^dbp_[a-z2-7]{16}_[A-Za-z0-9_-]{43}$/);
    const described = await server.call('GET', '/v1/api-keys/ci');
    expect(described.status).toBe(200);
    expect(described.body.secret).toBeUndefined();
    const stored = await server.pool.query('SELECT * FROM api_keys WHERE name = $1', ['ci']);
    // the secret is all after the id (base64url: it may hold '_' itself)
    const secret = String(created.body.secret).slice('dbp_'.length + 16 + 1);
    expect(secret).toHaveLength(43);
    expect(JSON.stringify(stored.rows)).not.toContain(secret);
    const listed = await server.call('GET', '/v1/api-keys');
    expect(listed.body.apiKeys.map((k: { name: string }) => k.name)).toEqual(['admin', 'ci']);
    expect(JSON.stringify(listed.body)).not.toContain('secret');
    expect((await server.call('GET', '/v1/api-keys', undefined, created.body.secret)).status).toBe(403);
  });

  it('pages through keys with limit and nextToken', async () => {
    for (const name of ['page-a', 'page-b', 'page-c'])
      await server.call('POST', '/v1/api-keys', { name, role: 'viewer' });
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await server.call('GET', `/v1/api-keys?limit=2${token ? `&nextToken=${token}` : ''}`);
      expect(page.body.apiKeys.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.apiKeys.map((k: { name: string }) => k.name));
      token = page.body.nextToken;
    } while (token !== undefined);
    expect(seen).toEqual(expect.arrayContaining(['admin', 'ci', 'page-a', 'page-b', 'page-c']));
    expect(new Set(seen).size).toBe(seen.length);
    const bad = await server.call('GET', '/v1/api-keys?nextToken=garbage!');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.problems[0].path).toBe('/nextToken');
  });

  it('lets a viewer read but not write (403), and changes nothing', async () => {
    const viewer = (await server.call('POST', '/v1/api-keys', { name: 'reader', role: 'viewer' })).body
      .secret;
    expect((await server.call('GET', '/v1/audit', undefined, viewer)).status).toBe(200);
    const before = await keyCount();
    const denied = await server.call('POST', '/v1/api-keys', { name: 'sneaky', role: 'admin' }, viewer);
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('AccessDenied');
    expect(await keyCount()).toBe(before);
  });

  it('refuses a revoked key at once', async () => {
    const key = (await server.call('POST', '/v1/api-keys', { name: 'temp', role: 'operator' })).body.secret;
    expect((await server.call('GET', '/v1/audit', undefined, key)).status).toBe(200);
    const revoked = await server.call('DELETE', '/v1/api-keys/temp');
    expect(revoked.status).toBe(200);
    expect(revoked.body.status).toBe('revoked');
    const after = await server.call('GET', '/v1/audit', undefined, key);
    expect(after.status).toBe(401);
    expect(after.body.error.message).toMatch(/revoked/);
    expect((await server.call('DELETE', '/v1/api-keys/temp')).status).toBe(404);
  });

  it('refuses a revoked key on another node as soon as it hears of it, not when its cache expires', async () => {
    const key = (await server.call('POST', '/v1/api-keys', { name: 'elsewhere', role: 'operator' })).body
      .secret;
    const notifier = createNotifier(server.pool);
    // another node on the same store whose key cache never expires: only the notification can clear it
    const other = createAccountsService({ pool: server.pool, region: 'local-1', notifier, clock: () => 0 });
    try {
      expect((await other.authenticate(key)).keyName).toBe('elsewhere');
      // its LISTEN is in place once it hears a probe
      for (let heard = false; !heard; ) {
        const probe = notifier.wait('dbplane_api_keys', 500, 'probe');
        await server.pool.query("SELECT pg_notify('dbplane_api_keys', 'probe')");
        heard = await probe;
      }
      expect((await server.call('DELETE', '/v1/api-keys/elsewhere')).status).toBe(200);
      let refused: unknown;
      for (let i = 0; i < 200 && refused === undefined; i++) {
        refused = await other.authenticate(key).then(
          () => undefined,
          (err: unknown) => err,
        );
        if (refused === undefined) await new Promise((r) => setTimeout(r, 50));
      }
      expect(refused).toMatchObject({ message: expect.stringMatching(/revoked/) });
    } finally {
      await notifier.close();
    }
  });

  it('accepts short-lived tokens until they expire, and refuses a tampered one', async () => {
    const tokens = server.services.accounts.tokens;
    const token = await tokens.issue({
      accountId: '000000000000',
      role: 'viewer',
      subject: 'test',
      ttlSeconds: 60,
    });
    expect((await server.call('GET', '/v1/audit', undefined, token)).status).toBe(200);
    expect((await server.call('POST', '/v1/queues', { name: 'x' }, token)).status).toBe(403);
    const [body = '', mac = ''] = token.slice(5).split('.');
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString());
    const forged = `dbpt_${Buffer.from(JSON.stringify({ ...claims, r: 'admin' })).toString('base64url')}.${mac}`;
    expect((await server.call('GET', '/v1/audit', undefined, forged)).status).toBe(401);
    const expired = await tokens.issue({
      accountId: '000000000000',
      role: 'viewer',
      subject: 'test',
      ttlSeconds: -1,
    });
    const res = await server.call('GET', '/v1/audit', undefined, expired);
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(/expired/);
  });

  it('refuses to revoke the last admin key', async () => {
    const res = await server.call('DELETE', '/v1/api-keys/admin');
    expect(res.status).toBe(409);
    expect((await server.call('GET', '/v1/api-keys')).status).toBe(200);
  });

  it('answers a malformed body with 400 naming every bad field, and changes nothing', async () => {
    const keys = await keyCount();
    const res = await server.call('POST', '/v1/api-keys', { name: 'bad name!', role: 'root', extra: 1 });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('ValidationError');
    const paths = res.body.error.details.problems.map((p: { path: string }) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['/name', '/role', '/extra']));
    expect(res.body.error.message).toContain('/name');
    const missing = await server.call('POST', '/v1/api-keys', {});
    expect(missing.body.error.details.problems).toEqual(
      expect.arrayContaining([{ path: '/name', message: 'is required' }]),
    );
    const notJson = await server.call('POST', '/v1/api-keys', '{"name": ');
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.message).toMatch(/not valid JSON/);
    expect(await keyCount()).toBe(keys);
  });

  it('answers a duplicate name with 409 and an unknown route with 404, never a stack trace', async () => {
    const dup = await server.call('POST', '/v1/api-keys', { name: 'ci', role: 'viewer' });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('ResourceConflict');
    const unknown = await server.call('GET', '/v1/nothing-here');
    expect(unknown.status).toBe(404);
    expect(JSON.stringify([dup.body, unknown.body])).not.toMatch(/\bat .*\.(ts|js):\d+/);
  });

  it('leaves exactly one audit record per mutating request, successful or not', async () => {
    const cases: [string, string, unknown, string | null, number][] = [
      ['POST', '/v1/api-keys', { name: 'audited', role: 'viewer' }, server.adminKey, 201],
      ['POST', '/v1/api-keys', { name: 'audited', role: 'viewer' }, server.adminKey, 409],
      ['POST', '/v1/api-keys', { role: 'nobody' }, server.adminKey, 400],
      ['DELETE', '/v1/api-keys/audited', undefined, server.adminKey, 200],
      ['DELETE', '/v1/api-keys/missing', undefined, server.adminKey, 404],
    ];
    for (const [method, path, body, key, status] of cases) {
      const before = await auditCount();
      const res = await server.call(method, path, body, key);
      expect(res.status).toBe(status);
      expect(await auditCount(), `${method} ${path} -> ${status}`).toBe(before + 1);
    }
    const before = await auditCount();
    await server.call('GET', '/v1/api-keys');
    expect(await auditCount()).toBe(before);
    const records = (await server.call('GET', '/v1/audit?limit=5')).body.records;
    expect(records[0]).toMatchObject({
      action: 'RevokeApiKey',
      statusCode: 404,
      errorCode: 'ResourceNotFound',
    });
    expect(records[4]).toMatchObject({
      action: 'CreateApiKey',
      statusCode: 201,
      errorCode: null,
      resourceArn: 'arn:dbplane:iam:local-1:000000000000:api-key/audited',
      principal: { keyName: 'admin', role: 'admin' },
      requestParameters: { name: 'audited', role: 'viewer' },
    });
    expect(records[4].responseElements.secret).toBe('*** redacted ***');
  });

  it('filters audit records', async () => {
    const creates = (await server.call('GET', '/v1/audit?action=CreateApiKey')).body.records;
    expect(creates.length).toBeGreaterThan(0);
    expect(creates.every((r: { action: string }) => r.action === 'CreateApiKey')).toBe(true);
    const errors = (await server.call('GET', '/v1/audit?errorsOnly=true')).body.records;
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((r: { errorCode: string | null }) => r.errorCode !== null)).toBe(true);
    const badDate = await server.call('GET', '/v1/audit?from=yesterday');
    expect(badDate.status).toBe(400);
  });
});
