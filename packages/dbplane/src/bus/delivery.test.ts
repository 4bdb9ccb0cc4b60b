import { describe, expect, it } from 'vitest';
import { eventually, receiveOne } from '../test-support/bus.js';
import { useHttpTarget } from '../test-support/http-target.js';
import { useTestServer } from '../test-support/server.js';

const pass = { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };

describe('rules and targets', () => {
  const server = useTestServer();
  const http = useHttpTarget();

  it('validates rules and targets, naming the path', async () => {
    const bad = await server.call('POST', '/v1/rules', {
      name: 'bad',
      eventPattern: { source: 'not-an-array' },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('/eventPattern/source');
    const sched = await server.call('POST', '/v1/rules', {
      name: 'bad2',
      scheduleExpression: 'rate(0 minutes)',
    });
    expect(sched.status).toBe(400);
    expect(JSON.stringify(sched.body)).toContain('/scheduleExpression');
    expect(
      (await server.call('POST', '/v1/rules', { name: 'ok', eventPattern: { source: ['x'] } })).status,
    ).toBe(201);
    const host = await server.call('PUT', '/v1/rules/ok/targets', {
      targets: [{ id: 't', arn: 'http://example.com/x' }],
    });
    expect(host.status).toBe(400);
    expect(JSON.stringify(host.body)).toContain('/targets/0/arn');
    const tf = await server.call('PUT', '/v1/rules/ok/targets', {
      targets: [
        {
          id: 't',
          arn: `${http.url}/x`,
          inputTransformer: { inputPathsMap: { a: 'nope' }, inputTemplate: '<a>' },
        },
      ],
    });
    expect(tf.status).toBe(400);
    expect(JSON.stringify(tf.body)).toContain('/targets/0/inputTransformer');
    const six = Array.from({ length: 6 }, (_, i) => ({ id: `t${i}`, arn: `${http.url}/x` }));
    expect((await server.call('PUT', '/v1/rules/ok/targets', { targets: six })).status).toBe(400);
    expect((await server.call('GET', '/v1/rules/ok')).body).toMatchObject({
      name: 'ok',
      state: 'ENABLED',
      eventPattern: { source: ['x'] },
    });
  });

  it('starts an execution with the transformed input when an audited API call matches', async () => {
    expect(
      (await server.call('POST', '/v1/state-machines', { name: 'bootstrap', definition: pass })).status,
    ).toBe(201);
    const rule = await server.call('POST', '/v1/rules', {
      name: 'on-key',
      eventPattern: {
        source: ['dbplane.iam'],
        'detail-type': ['dbplane API Call via Audit Trail'],
        detail: { eventName: [{ prefix: 'CreateApiKey' }] },
      },
    });
    expect(rule.status).toBe(201);
    const machineArn = (await server.call('GET', '/v1/state-machines/bootstrap')).body.arn as string;
    const put = await server.call('PUT', '/v1/rules/on-key/targets', {
      targets: [
        {
          id: 'sm',
          arn: machineArn,
          inputTransformer: {
            inputPathsMap: {
              name: '$.detail.requestParameters.name',
              id: '$.id',
              region: '$.region',
              account: '$.account',
              time: '$.time',
            },
            inputTemplate:
              '{"keyName": <name>, "eventId": <id>, "region": <region>, "account": <account>, "time": <time>}',
          },
        },
      ],
    });
    expect(put.body).toEqual({ failedEntryCount: 0, failedEntries: [] });
    expect((await server.call('POST', '/v1/api-keys', { name: 'ci-key', role: 'viewer' })).status).toBe(201);
    const execution = await eventually(async () => {
      const list = await server.call('GET', '/v1/state-machines/bootstrap/executions');
      return list.body.executions?.[0];
    });
    const described = await server.call('GET', `/v1/state-machines/bootstrap/executions/${execution.name}`);
    expect(described.body.input).toMatchObject({
      keyName: 'ci-key',
      region: expect.any(String),
      account: expect.any(String),
    });
    expect(described.body.input.eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(described.body.input.time).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('retries a failing HTTP target, then sends the event to the DLQ with the error attributes', async () => {
    http.respond('/fail', () => ({ status: 503, body: { error: 'down' } }));
    expect((await server.call('POST', '/v1/queues', { name: 'dlq' })).status).toBe(201);
    await server.call('POST', '/v1/rules', { name: 'to-http', eventPattern: { source: ['app.fail'] } });
    await server.call('PUT', '/v1/rules/to-http/targets', {
      targets: [
        {
          id: 'web',
          arn: `${http.url}/fail`,
          retryPolicy: { maximumRetryAttempts: 2 },
          deadLetterQueue: 'dlq',
        },
      ],
    });
    const res = await server.call('POST', '/v1/events', {
      entries: [{ source: 'app.fail', detailType: 'x', detail: { n: 1 } }],
    });
    const msg = await eventually(() => receiveOne(server, 'dlq'));
    expect(http.requests.filter((r) => r.path === '/fail')).toHaveLength(3);
    expect(JSON.parse(msg.body)).toMatchObject({
      id: res.body.entries[0].eventId,
      source: 'app.fail',
      detail: { n: 1 },
    });
    expect(msg.attributes).toMatchObject({
      RULE_ARN: expect.stringContaining(':rule/to-http'),
      TARGET_ARN: `${http.url}/fail`,
      ERROR_CODE: 'ERROR_FROM_TARGET',
      ERROR_MESSAGE: expect.stringContaining('503'),
      EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts',
      RETRY_ATTEMPTS: '2',
    });
    const metrics = await fetch(`${server.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/dbplane_event_deliveries_total{outcome="retried"} 2/);
    expect(metrics).toMatch(/dbplane_event_deliveries_total{outcome="dead_lettered"} 1/);
    expect(metrics).toMatch(/dbplane_event_backlog{stage="routing"} \d+/);
  });

  it('gives up when the event is older than maximumEventAgeInSeconds', async () => {
    http.respond('/old', () => ({ status: 500 }));
    await server.call('POST', '/v1/queues', { name: 'dlq-age' });
    await server.call('POST', '/v1/rules', { name: 'to-old', eventPattern: { source: ['app.old'] } });
    await server.call('PUT', '/v1/rules/to-old/targets', {
      targets: [
        {
          id: 'web',
          arn: `${http.url}/old`,
          retryPolicy: { maximumEventAgeInSeconds: 60 },
          deadLetterQueue: 'dlq-age',
        },
      ],
    });
    const put = await server.call('POST', '/v1/events', {
      entries: [{ source: 'app.old', detailType: 'x', detail: {} }],
    });
    await eventually(async () => (http.requests.some((r) => r.path === '/old') ? true : undefined));
    await server.pool.query("UPDATE events SET ingested_at = now() - interval '2 minutes' WHERE id = $1", [
      put.body.entries[0].eventId,
    ]);
    const msg = await eventually(() => receiveOne(server, 'dlq-age'));
    expect(msg.attributes).toMatchObject({
      ERROR_CODE: 'ERROR_FROM_TARGET',
      EXHAUSTED_RETRY_CONDITION: 'MaximumEventAgeInSeconds',
    });
  });

  it('sends a 4xx failure to the DLQ without retrying', async () => {
    http.respond('/bad', () => ({ status: 400 }));
    await server.call('POST', '/v1/queues', { name: 'dlq2' });
    await server.call('POST', '/v1/rules', { name: 'to-bad', eventPattern: { source: ['app.bad'] } });
    await server.call('PUT', '/v1/rules/to-bad/targets', {
      targets: [{ id: 'web', arn: `${http.url}/bad`, deadLetterQueue: 'dlq2' }],
    });
    await server.call('POST', '/v1/events', {
      entries: [{ source: 'app.bad', detailType: 'x', detail: {} }],
    });
    const msg = await eventually(() => receiveOne(server, 'dlq2'));
    expect(msg.attributes).toMatchObject({
      ERROR_CODE: 'ERROR_FROM_TARGET',
      EXHAUSTED_RETRY_CONDITION: 'NotRetriable',
      RETRY_ATTEMPTS: '0',
    });
    expect(http.requests.filter((r) => r.path === '/bad')).toHaveLength(1);
  });

  it('delivers to a queue target with an input path, and stops when the rule is disabled', async () => {
    await server.call('POST', '/v1/queues', { name: 'inbox' });
    const queueArn = (await server.call('GET', '/v1/queues/inbox')).body.arn as string;
    await server.call('POST', '/v1/rules', { name: 'to-queue', eventPattern: { source: ['app.q'] } });
    await server.call('PUT', '/v1/rules/to-queue/targets', {
      targets: [{ id: 'q', arn: queueArn, inputPath: '$.detail' }],
    });
    await server.call('POST', '/v1/events', {
      entries: [{ source: 'app.q', detailType: 'x', detail: { a: 1 } }],
    });
    const msg = await eventually(() => receiveOne(server, 'inbox'));
    expect(JSON.parse(msg.body)).toEqual({ a: 1 });
    expect((await server.call('POST', '/v1/rules/to-queue/disable')).status).toBe(200);
    await server.call('POST', '/v1/events', {
      entries: [{ source: 'app.q', detailType: 'x', detail: { a: 2 } }],
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(await receiveOne(server, 'inbox')).toBeUndefined();
  });
});
