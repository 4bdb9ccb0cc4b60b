import { describe, expect, it } from 'vitest';
import { eventually, receiveOne } from '../test-support/bus.js';
import { useTestServer } from '../test-support/server.js';

const entry = { source: 'app.orders', detailType: 'Order Placed', detail: { id: 1 } };

describe('PutEvents', () => {
  const server = useTestServer();

  it('accepts entries, answering one event id each', async () => {
    const res = await server.call('POST', '/v1/events', {
      entries: [entry, { ...entry, detail: '{"id":2}' }],
    });
    expect(res.status).toBe(200);
    expect(res.body.failedEntryCount).toBe(0);
    expect(res.body.entries).toHaveLength(2);
    for (const e of res.body.entries) expect(e.eventId).toMatch(/^[0-9a-f-]{36}$/);
    const { rows } = await server.pool.query('SELECT envelope FROM events WHERE id = $1', [
      res.body.entries[0].eventId,
    ]);
    expect(rows[0].envelope).toMatchObject({
      version: '0',
      'detail-type': 'Order Placed',
      source: 'app.orders',
      region: expect.any(String),
      account: expect.any(String),
      resources: [],
      detail: { id: 1 },
    });
  });

  it('answers per-entry errors for bad entries and a missing bus', async () => {
    const res = await server.call('POST', '/v1/events', {
      entries: [
        entry,
        { detailType: 'x', detail: {} },
        { ...entry, detail: '{not json' },
        { ...entry, eventBusName: 'nope' },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.failedEntryCount).toBe(3);
    expect(res.body.entries[0].eventId).toBeDefined();
    expect(res.body.entries[1]).toMatchObject({
      errorCode: 'InvalidArgument',
      errorMessage: expect.stringContaining('Source'),
    });
    expect(res.body.entries[2].errorCode).toBe('MalformedDetail');
    expect(res.body.entries[3].errorCode).toBe('NotFound');
  });

  it('refuses 11 entries, an unknown field and more than 256 KiB with a 400 naming the field', async () => {
    const eleven = await server.call('POST', '/v1/events', {
      entries: Array.from({ length: 11 }, () => entry),
    });
    expect(eleven.status).toBe(400);
    expect(JSON.stringify(eleven.body)).toContain('entries');
    const extra = await server.call('POST', '/v1/events', { entries: [{ ...entry, colour: 'red' }] });
    expect(extra.status).toBe(400);
    const big = await server.call('POST', '/v1/events', {
      entries: [{ ...entry, detail: { x: 'a'.repeat(270_000) } }],
    });
    expect(big.status).toBe(400);
    expect(JSON.stringify(big.body)).toContain('/entries');
  });

  it('tests an event pattern', async () => {
    const event = { source: 'a', 'detail-type': 'b', detail: { n: 5 } };
    const yes = await server.call('POST', '/v1/test-event-pattern', {
      eventPattern: { detail: { n: [{ numeric: ['>', 3] }] } },
      event,
    });
    expect(yes.body).toEqual({ result: true });
    const bad = await server.call('POST', '/v1/test-event-pattern', {
      eventPattern: { detail: { n: [{ numeric: ['>>', 3] }] } },
      event,
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('/eventPattern/detail/n');
  });

  it('keeps custom buses apart: a rule on one bus sees only its events, named by name or ARN', async () => {
    const bus = await server.call('POST', '/v1/event-buses', { name: 'orders' });
    expect(bus.status).toBe(201);
    expect(bus.body.arn).toMatch(/^arn:dbplane:events:[^:]+:\d+:event-bus\/orders$/);
    expect((await server.call('POST', '/v1/queues', { name: 'orders-q' })).status).toBe(201);
    const queueArn = (await server.call('GET', '/v1/queues/orders-q')).body.arn as string;
    const rule = await server.call('POST', '/v1/rules', {
      name: 'r',
      eventBusName: bus.body.arn,
      eventPattern: { source: ['shop'] },
    });
    expect(rule.body).toMatchObject({
      eventBusName: 'orders',
      arn: expect.stringMatching(/:rule\/orders\/r$/),
    });
    await server.call('PUT', '/v1/rules/r/targets?eventBusName=orders', {
      targets: [{ id: 'q', arn: queueArn }],
    });
    await server.call('POST', '/v1/events', {
      entries: [
        { source: 'shop', detailType: 'on default', detail: {} },
        { source: 'shop', detailType: 'on orders', detail: {}, eventBusName: 'orders' },
      ],
    });
    const got = await eventually(() => receiveOne(server, 'orders-q'));
    expect(JSON.parse(got.body)['detail-type']).toBe('on orders');
    expect(await receiveOne(server, 'orders-q')).toBeUndefined();
    expect(
      (await server.call('GET', '/v1/event-buses')).body.eventBuses.map((b: { name: string }) => b.name),
    ).toEqual(['default', 'orders']);
    expect((await server.call('DELETE', '/v1/event-buses/default')).status).toBe(400);
  });
});
