import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestServer } from '../test-support/server.js';

describe('queues', () => {
  const server = useTestServer();
  const receive = (queue: string, body: object = {}) =>
    server.call('POST', `/v1/queues/${queue}/messages/receive`, body).then((r) => r.body.messages);
  const send = (queue: string, body: string, extra: object = {}) =>
    server.call('POST', `/v1/queues/${queue}/messages`, { body, ...extra });

  it('creates a queue with SQS defaults and an ARN', async () => {
    const res = await server.call('POST', '/v1/queues', { name: 'jobs' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      arn: 'arn:dbplane:sqs:local-1:000000000000:jobs',
      visibilityTimeoutSeconds: 30,
      messageRetentionSeconds: 345_600,
      maxReceiveCount: null,
      deadLetterQueue: null,
      approximateMessages: 0,
    });
    expect((await server.call('POST', '/v1/queues', { name: 'jobs' })).status).toBe(409);
  });

  it('delivers a message once until its visibility timeout, then again', async () => {
    const sent = await send('jobs', '{"n":1}', { attributes: { kind: 'test' } });
    expect(sent.status).toBe(201);
    expect(sent.body.md5OfBody).toBe(createHash('md5').update('{"n":1}').digest('hex'));
    const [first] = await receive('jobs');
    expect(first).toMatchObject({
      messageId: sent.body.messageId,
      body: '{"n":1}',
      receiveCount: 1,
      attributes: { kind: 'test' },
    });
    expect(await receive('jobs')).toEqual([]);
    const queue = (await server.call('GET', '/v1/queues/jobs')).body;
    expect(queue).toMatchObject({ approximateMessages: 0, approximateMessagesNotVisible: 1 });
    const vis = await server.call('POST', '/v1/queues/jobs/messages/visibility', {
      receiptHandle: first.receiptHandle,
      visibilityTimeoutSeconds: 0,
    });
    expect(vis.status).toBe(204);
    const [again] = await receive('jobs');
    expect(again.messageId).toBe(first.messageId);
    expect(again.receiveCount).toBe(2);
    expect(again.receiptHandle).not.toBe(first.receiptHandle);
    const stale = await server.call('POST', '/v1/queues/jobs/messages/delete', {
      receiptHandle: first.receiptHandle,
    });
    expect(stale.status).toBe(404);
    const del = await server.call('POST', '/v1/queues/jobs/messages/delete', {
      receiptHandle: again.receiptHandle,
    });
    expect(del.status).toBe(204);
    expect((await server.call('GET', '/v1/queues/jobs')).body.approximateMessagesNotVisible).toBe(0);
  });

  it('honours delays and the visibility timeout of a receive', async () => {
    await send('jobs', 'later', { delaySeconds: 60 });
    expect(await receive('jobs')).toEqual([]);
    await server.call('POST', '/v1/queues/jobs/purge');
    await send('jobs', 'short');
    const [m] = await receive('jobs', { visibilityTimeoutSeconds: 1 });
    expect(m.body).toBe('short');
    const [back] = await receive('jobs', { waitSeconds: 5 });
    expect(back.messageId).toBe(m.messageId);
    await server.call('POST', '/v1/queues/jobs/purge');
  });

  it('wakes a long poll when a message arrives', async () => {
    const polling = receive('jobs', { waitSeconds: 20 });
    await new Promise((r) => setTimeout(r, 200));
    await send('jobs', 'wake up');
    const [m] = await polling;
    expect(m.body).toBe('wake up');
    await server.call('POST', '/v1/queues/jobs/messages/delete', { receiptHandle: m.receiptHandle });
  });

  it('moves a message to the dead-letter queue after maxReceiveCount receipts, and redrives it back', async () => {
    await server.call('POST', '/v1/queues', { name: 'work-dlq' });
    const created = await server.call('POST', '/v1/queues', {
      name: 'work',
      maxReceiveCount: 2,
      deadLetterQueue: 'work-dlq',
    });
    expect(created.body).toMatchObject({ maxReceiveCount: 2, deadLetterQueue: 'work-dlq' });
    await send('work', 'poison');
    for (let i = 1; i <= 2; i++) {
      const [m] = await receive('work', { visibilityTimeoutSeconds: 0 });
      expect(m.receiveCount).toBe(i);
    }
    expect(await receive('work')).toEqual([]);
    const [dead] = await receive('work-dlq', { visibilityTimeoutSeconds: 0 });
    expect(dead.body).toBe('poison');
    const redrive = await server.call('POST', '/v1/queues/work-dlq/redrive', {});
    expect(redrive.body).toEqual({ moved: 1 });
    const [back] = await receive('work');
    expect(back).toMatchObject({ body: 'poison', receiveCount: 1 });
    expect((await server.call('DELETE', '/v1/queues/work-dlq')).status).toBe(409);
  });

  it('refuses bad settings with the field named, and changes nothing', async () => {
    const before = (await server.call('GET', '/v1/queues')).body.queues.length;
    const noDlq = await server.call('POST', '/v1/queues', { name: 'x1', maxReceiveCount: 3 });
    expect(noDlq.status).toBe(400);
    expect(noDlq.body.error.details.problems[0].path).toBe('/maxReceiveCount');
    const missing = await server.call('POST', '/v1/queues', {
      name: 'x2',
      maxReceiveCount: 3,
      deadLetterQueue: 'nope',
    });
    expect(missing.body.error.details.problems[0]).toEqual({
      path: '/deadLetterQueue',
      message: 'queue "nope" does not exist',
    });
    const range = await server.call('POST', '/v1/queues', {
      name: 'x3',
      visibilityTimeoutSeconds: -1,
      delaySeconds: 901,
    });
    expect(range.body.error.details.problems.map((p: { path: string }) => p.path).sort()).toEqual([
      '/delaySeconds',
      '/visibilityTimeoutSeconds',
    ]);
    const empty = await send('jobs', '');
    expect(empty.status).toBe(400);
    expect((await server.call('GET', '/v1/queues')).body.queues.length).toBe(before);
  });

  it('audits queue management but not message traffic', async () => {
    const count = async () =>
      Number((await server.pool.query('SELECT count(*) AS n FROM audit_records')).rows[0].n);
    const before = await count();
    await send('jobs', 'not audited');
    await receive('jobs');
    expect(await count()).toBe(before);
    await server.call('PATCH', '/v1/queues/jobs', { visibilityTimeoutSeconds: 10 });
    expect(await count()).toBe(before + 1);
  });
});
