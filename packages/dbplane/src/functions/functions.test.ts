import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestServer } from '../test-support/server.js';

const HANDLER = `
import { readFileSync, writeFileSync } from 'node:fs';
export async function handler(event, context) {
  if (event.sleep) await new Promise((r) => setTimeout(r, event.sleep));
  if (event.hog) { const keep = []; for (;;) keep.push(new Array(1e6).fill(keep.length)); }
  if (event.flaky) {
    const n = Number(readFileSync(process.env.COUNTER, 'utf8') || '0') + 1;
    writeFileSync(process.env.COUNTER, String(n));
    if (n < 2) throw Object.assign(new Error('not yet, try ' + n), { name: 'NotReady' });
  }
  if (event.fatal) throw Object.assign(new Error('cannot go on'), { name: 'Fatal' });
  console.log('hello from', context.functionName);
  return { hello: event.who ?? 'nobody', greeting: process.env.GREETING, version: context.functionVersion, remaining: context.getRemainingTimeInMillis() > 0, leaked: process.env.DBPLANE_DATABASE_URL ?? null };
}
`;

describe('functions', () => {
  const server = useTestServer();
  let dir: string;
  let counter: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dbplane-fn-'));
    await mkdir(join(dir, 'code'));
    await writeFile(join(dir, 'code', 'index.mjs'), HANDLER);
    counter = join(dir, 'counter');
    await writeFile(counter, '0');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const invoke = (name: string, payload: unknown, extra: object = {}) =>
    server.call('POST', `/v1/functions/${name}/invocations`, { payload, ...extra });

  it('creates a function from a directory and invokes it in its own process', async () => {
    const created = await server.call('POST', '/v1/functions', {
      name: 'hello',
      handler: 'index.handler',
      code: { path: join(dir, 'code') },
      environment: { GREETING: 'hi', COUNTER: counter },
      timeoutSeconds: 2,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      arn: 'arn:dbplane:lambda:local-1:000000000000:function:hello',
      runtime: 'nodejs20.x',
      memoryMb: 128,
    });
    const r = await invoke('hello', { who: 'world' });
    expect(r.body).toEqual({
      statusCode: 200,
      executedVersion: '$LATEST',
      payload: { hello: 'world', greeting: 'hi', version: '$LATEST', remaining: true, leaked: null },
    });
    const logs = (await server.call('GET', '/v1/functions/hello/logs')).body.lines;
    expect(logs.map((l: { line: string }) => l.line)).toContain('hello from hello');
  });

  it('reports a thrown error as Lambda does', async () => {
    const r = await invoke('hello', { fatal: true });
    expect(r.body.functionError).toBe('Unhandled');
    expect(r.body.payload).toMatchObject({ errorType: 'Fatal', errorMessage: 'cannot go on' });
    expect(Array.isArray(r.body.payload.stackTrace)).toBe(true);
    expect((await invoke('hello', { who: 'again' })).body.payload.hello).toBe('again');
  });

  it('updates code and configuration, publishes versions and routes aliases', async () => {
    await server.call('POST', '/v1/functions/hello/versions', { description: 'first' });
    await server.call('PUT', '/v1/functions/hello/aliases/live', { version: '1' });
    const zip = Buffer.from(
      zipSync({ 'index.mjs': strToU8('export const handler = async () => ({ v: 2 });') }),
    ).toString('base64');
    expect((await server.call('PUT', '/v1/functions/hello/code', { zipBase64: zip })).status).toBe(200);
    expect((await invoke('hello', {})).body.payload).toEqual({ v: 2 });
    expect((await invoke('hello', { who: 'old' }, { qualifier: 'live' })).body).toMatchObject({
      executedVersion: '1',
      payload: { hello: 'old' },
    });
    expect((await invoke('hello', { who: 'old' }, { qualifier: '1' })).body.payload.hello).toBe('old');
    const config = await server.call('PUT', '/v1/functions/hello/configuration', {
      memoryMb: 256,
      description: 'v2',
    });
    expect(config.body).toMatchObject({ memoryMb: 256, description: 'v2', handler: 'index.handler' });
    const bad = await server.call('PUT', '/v1/functions/hello/code', {
      zipBase64: Buffer.from('not a zip').toString('base64'),
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.problems[0].path).toBe('/code/zipBase64');
    expect((await invoke('hello', {})).body.payload).toEqual({ v: 2 });
  });

  it('kills a handler at its timeout and one that exhausts its memory, without harming the server', async () => {
    await server.call('POST', '/v1/functions', {
      name: 'slow',
      handler: 'index.handler',
      code: { path: join(dir, 'code') },
      timeoutSeconds: 1,
      memoryMb: 64,
    });
    const slow = await invoke('slow', { sleep: 5000 });
    expect(slow.body.functionError).toBe('Unhandled');
    expect(slow.body.payload).toMatchObject({
      errorType: 'Sandbox.Timedout',
      errorMessage: 'Task timed out after 1.00 seconds',
    });
    const hog = await invoke('slow', { hog: true });
    expect(hog.body.payload.errorType).toMatch(/^Runtime\.(OutOfMemory|ExitError)$/);
    expect((await invoke('slow', { who: 'alive' })).body.payload.hello).toBe('alive');
    expect((await server.call('GET', '/healthz')).status).toBe(200);
  });

  it('answers TooManyRequestsException at the concurrency limit', async () => {
    await server.call('POST', '/v1/functions', {
      name: 'single',
      handler: 'index.handler',
      code: { path: join(dir, 'code') },
      reservedConcurrency: 1,
    });
    const [a, b] = await Promise.all([invoke('single', { sleep: 800 }), invoke('single', { sleep: 800 })]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([200, 429]);
    expect([a, b].find((r) => r.status === 429)?.body.error.code).toBe('TooManyRequestsException');
  });

  it('serves lambda:invoke Tasks with the AWS shape, with Retry and Catch on the handler error names', async () => {
    await writeFile(counter, '0');
    await server.call('POST', '/v1/functions', {
      name: 'worker',
      handler: 'index.handler',
      code: { path: join(dir, 'code') },
      environment: { COUNTER: counter },
    });
    const definition = {
      StartAt: 'Flaky',
      States: {
        Flaky: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: 'worker', Payload: { flaky: true, who: 'retry' } },
          Retry: [{ ErrorEquals: ['NotReady'], IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 1 }],
          ResultSelector: {
            'hello.$': '$.Payload.hello',
            'status.$': '$.StatusCode',
            'version.$': '$.ExecutedVersion',
          },
          ResultPath: '$.flaky',
          Next: 'Short',
        },
        Short: {
          Type: 'Task',
          Resource: 'arn:dbplane:lambda:local-1:000000000000:function:worker',
          Parameters: { who: 'short' },
          ResultPath: '$.short',
          Next: 'Doomed',
        },
        Doomed: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: {
            FunctionName: 'arn:dbplane:lambda:local-1:000000000000:function:worker',
            Payload: { fatal: true },
          },
          Catch: [{ ErrorEquals: ['Fatal'], ResultPath: '$.caught', Next: 'Done' }],
          End: true,
        },
        Done: { Type: 'Succeed' },
      },
    };
    expect((await server.call('POST', '/v1/state-machines', { name: 'uses-fn', definition })).status).toBe(
      201,
    );
    await server.call('POST', '/v1/state-machines/uses-fn/executions', { name: 'run' });
    await expect
      .poll(async () => (await server.call('GET', '/v1/state-machines/uses-fn/executions/run')).body.status, {
        timeout: 20_000,
      })
      .toBe('SUCCEEDED');
    const out = (await server.call('GET', '/v1/state-machines/uses-fn/executions/run')).body.output;
    expect(out.flaky).toEqual({ hello: 'retry', status: 200, version: '$LATEST' });
    expect(out.short.hello).toBe('short');
    expect(out.caught.Error).toBe('Fatal');
    expect(JSON.parse(out.caught.Cause)).toMatchObject({ errorType: 'Fatal', errorMessage: 'cannot go on' });
    const history = (await server.call('GET', '/v1/state-machines/uses-fn/executions/run/history?limit=1000'))
      .body.events;
    expect(
      history.filter((e: { type: string }) => e.type.endsWith('Failed') && e.type !== 'ExecutionFailed')
        .length,
    ).toBeGreaterThanOrEqual(2);
  });

  it('runs Event invocations durably, retries them, then sends them to the on-failure queue', async () => {
    await server.call('POST', '/v1/queues', { name: 'fn-failures' });
    await server.call('POST', '/v1/functions', {
      name: 'later',
      handler: 'index.handler',
      code: { path: join(dir, 'code') },
      maximumRetryAttempts: 1,
      onFailureQueue: 'fn-failures',
    });
    const ok = await invoke('later', { who: 'async' }, { invocationType: 'Event' });
    expect(ok.status).toBe(202);
    expect(ok.body.requestId).toMatch(/^[0-9a-f-]{36}$/);
    await expect
      .poll(async () => (await server.call('GET', '/v1/functions/later/logs')).body.lines.length, {
        timeout: 10_000,
      })
      .toBe(1);
    await invoke('later', { fatal: true }, { invocationType: 'Event' });
    const receive = () => server.call('POST', '/v1/queues/fn-failures/messages/receive', { waitSeconds: 2 });
    let messages: { body: string }[] = [];
    await expect
      .poll(
        async () => {
          messages = (await receive()).body.messages;
          return messages.length;
        },
        { timeout: 15_000 },
      )
      .toBe(1);
    const record = JSON.parse(messages[0]?.body ?? '{}');
    expect(record).toMatchObject({
      requestContext: {
        condition: 'RetriesExhausted',
        approximateInvokeCount: 2,
        functionArn: 'arn:dbplane:lambda:local-1:000000000000:function:later',
      },
      requestPayload: { fatal: true },
      responsePayload: { errorType: 'Fatal' },
    });
    expect((await server.pool.query('SELECT count(*)::int AS n FROM function_async')).rows[0].n).toBe(0);
  });

  it('compiles a TypeScript handler on upload, and refuses one that does not compile', async () => {
    const ts =
      'interface In { n: number }\nexport const handler = async (e: In): Promise<{ sq: number }> => ({ sq: e.n * e.n });';
    const zip = Buffer.from(zipSync({ 'index.ts': strToU8(ts) })).toString('base64');
    expect(
      (
        await server.call('POST', '/v1/functions', {
          name: 'typed',
          handler: 'index.handler',
          code: { zipBase64: zip },
        })
      ).status,
    ).toBe(201);
    expect((await invoke('typed', { n: 7 })).body.payload).toEqual({ sq: 49 });
    const broken = Buffer.from(
      zipSync({ 'index.ts': strToU8('export const handler = async (e: { => 1;') }),
    ).toString('base64');
    const refused = await server.call('PUT', '/v1/functions/typed/code', { zipBase64: broken });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.problems[0]).toMatchObject({ path: '/code' });
    expect(refused.body.error.details.problems[0].message).toMatch(/index\.ts:1/);
    expect((await invoke('typed', { n: 3 })).body.payload).toEqual({ sq: 9 });
  });

  it('serves function URLs to API keys and to HMAC-signed webhooks', async () => {
    const code = `export const handler = async (e) => ({ statusCode: 201, headers: { 'x-seen': e.requestContext.http.method },
      body: JSON.stringify({ path: e.rawPath, q: e.queryStringParameters, got: JSON.parse(e.body || '{}'), auth: e.headers['x-api-key'] ?? null }) });`;
    const zip = Buffer.from(zipSync({ 'index.mjs': strToU8(code) })).toString('base64');
    await server.call('POST', '/v1/functions', {
      name: 'hook',
      handler: 'index.handler',
      code: { zipBase64: zip },
    });
    const withKey = await server.call('PUT', '/v1/functions/hook/url', { auth: 'API_KEY' });
    expect(withKey.body).toEqual({ functionUrl: '/fn/hook', auth: 'API_KEY' });
    const byKey = await fetch(`${server.url}/fn/hook?x=1`, {
      method: 'POST',
      headers: { 'x-api-key': server.adminKey, 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(byKey.status).toBe(201);
    expect(byKey.headers.get('x-seen')).toBe('POST');
    expect(await byKey.json()).toEqual({ path: '/fn/hook', q: { x: '1' }, got: { a: 1 }, auth: null });
    expect((await fetch(`${server.url}/fn/hook`, { method: 'POST', body: '{}' })).status).toBe(401);

    const hmac = await server.call('PUT', '/v1/functions/hook/url', { auth: 'HMAC' });
    const secret = hmac.body.hmacSecret as string;
    const body = '{"event":"push"}';
    const { createHmac } = await import('node:crypto');
    const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
    const signed = await fetch(`${server.url}/fn/hook`, {
      method: 'POST',
      headers: { 'x-dbplane-signature': signature },
      body,
    });
    expect(signed.status).toBe(201);
    expect(((await signed.json()) as any).got).toEqual({ event: 'push' });
    const forged = await fetch(`${server.url}/fn/hook`, {
      method: 'POST',
      headers: { 'x-dbplane-signature': signature },
      body: '{"event":"evil"}',
    });
    expect(forged.status).toBe(401);
    expect((await fetch(`${server.url}/fn/none`, { method: 'POST', body })).status).toBe(404);
  });

  it('lets code start executions with a short-lived token: a webhook becomes one execution per order', async () => {
    const code = `export const handler = async (e, ctx) => {
      const order = JSON.parse(e.body);
      const first = await ctx.dbplane.startExecution('orders', { name: 'order-' + order.id, input: order });
      const again = await ctx.dbplane.startExecution('orders', { name: 'order-' + order.id, input: order });
      let denied = null;
      try { await ctx.dbplane.call('POST', '/v1/api-keys', { name: 'sneaky', role: 'admin' }); } catch (err) { denied = err.name; }
      return { first: first.executionArn, same: first.executionArn === again.executionArn, denied, token: ctx.dbplane !== undefined };
    };`;
    await server.call('POST', '/v1/state-machines', {
      name: 'orders',
      definition: { StartAt: 'Ok', States: { Ok: { Type: 'Succeed' } } },
    });
    const zip = Buffer.from(zipSync({ 'index.mjs': strToU8(code) })).toString('base64');
    await server.call('POST', '/v1/functions', {
      name: 'webhook',
      handler: 'index.handler',
      code: { zipBase64: zip },
      timeoutSeconds: 10,
    });
    const r = await invoke('webhook', { body: JSON.stringify({ id: 42, total: 9.5 }) });
    expect(r.body.payload).toEqual({
      first: 'arn:dbplane:states:local-1:000000000000:execution:orders:order-42',
      same: true,
      denied: 'AccessDenied',
      token: true,
    });
    const audit = (await server.call('GET', '/v1/audit?action=StartExecution')).body.records;
    expect(audit[0].principal).toMatchObject({ keyName: 'function:webhook', role: 'operator' });
  });

  it('refuses bad input naming the field', async () => {
    const handler = await server.call('POST', '/v1/functions', {
      name: 'bad',
      handler: 'nodot',
      code: { path: join(dir, 'code') },
    });
    expect(handler.body.error.details.problems[0].path).toBe('/handler');
    const path = await server.call('POST', '/v1/functions', {
      name: 'bad',
      handler: 'index.handler',
      code: { path: '/nowhere/at/all' },
    });
    expect(path.body.error.details.problems[0].path).toBe('/code/path');
    expect((await server.call('GET', '/v1/functions/bad')).status).toBe(404);
  });
});
