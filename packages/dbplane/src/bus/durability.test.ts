import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/index.js';
import { createLogger } from '../log/logger.js';
import { createQueuesService } from '../queues/service.js';
import { withTransaction } from '../store/db.js';
import { eventually, receiveOne } from '../test-support/bus.js';
import { useTestServer } from '../test-support/server.js';
import { claimDeliveries } from './delivery-sql.js';
import { createScheduler } from './scheduler.js';
import { createSweeper } from './sweeper.js';
import { createTargetKinds } from './targets.js';
import { startBusWorkers } from './workers.js';

const region = loadConfig({ flags: {} }).region;

describe('durability, schedules, archives and replays', () => {
  const server = useTestServer();

  /** Another node's bus workers over the same database (queue targets only). */
  const otherNode = () => {
    const queues = createQueuesService({ pool: server.pool, region, notifier: server.notifier });
    const kinds = createTargetKinds({
      executions: undefined as never,
      queues,
      withTx: (f) => withTransaction(server.pool, f),
      httpAllowedHosts: [],
    });
    return startBusWorkers(
      { pool: server.pool, notifier: server.notifier, region, queues, kinds, pollMs: 100 },
      createLogger({ level: 'silent' }),
    );
  };

  const queueRule = async (rule: string, queue: string, body: Record<string, unknown>) => {
    await server.call('POST', '/v1/queues', { name: queue });
    const arn = (await server.call('GET', `/v1/queues/${queue}`)).body.arn as string;
    expect((await server.call('POST', '/v1/rules', { name: rule, ...body })).status).toBe(201);
    await server.call('PUT', `/v1/rules/${rule}/targets`, { targets: [{ id: 'q', arn }] });
  };

  it('loses nothing between accepting and delivering: a new node delivers what a stopped one accepted', async () => {
    await queueRule('crash', 'crash-q', { eventPattern: { source: ['app.crash'] } });
    await server.stopWorkers();
    const put = await server.call('POST', '/v1/events', {
      entries: [1, 2, 3].map((n) => ({ source: 'app.crash', detailType: 'x', detail: { n } })),
    });
    expect(put.body.failedEntryCount).toBe(0);
    // A node routes the events, leases their deliveries, then dies (its lease expires).
    const { createRouter } = await import('./router.js');
    await createRouter({ pool: server.pool }).step();
    expect(await claimDeliveries(server.pool, 'dead-node', 10, 300)).toHaveLength(3);
    const node = otherNode();
    try {
      const seen = new Set<number>();
      await eventually(async () => {
        const m = await receiveOne(server, 'crash-q');
        if (m !== undefined) {
          seen.add((JSON.parse(m.body) as { detail: { n: number } }).detail.n);
          await server.call('POST', '/v1/queues/crash-q/messages/delete', { receiptHandle: m.receiptHandle });
        }
        return seen.size === 3 ? true : undefined;
      });
      expect([...seen].sort()).toEqual([1, 2, 3]);
    } finally {
      await node.stop();
    }
  });

  it('fires a rate(1 minute) schedule when its time comes, as a Scheduled Event', async () => {
    const node = otherNode();
    try {
      await queueRule('tick', 'tick-q', { scheduleExpression: 'rate(1 minute)' });
      const { rows } = await server.pool.query<{ next_fire_at: Date; arn: string }>(
        "SELECT next_fire_at, arn FROM event_rules WHERE name = 'tick'",
      );
      const first = rows[0]?.next_fire_at as Date;
      expect(first.getTime() - Date.now()).toBeGreaterThan(50_000);
      expect(first.getTime() - Date.now()).toBeLessThanOrEqual(60_000);
      const scheduler = createScheduler({
        pool: server.pool,
        region,
        now: () => new Date(first.getTime() + 1000),
      });
      await scheduler.step();
      await scheduler.step();
      const m = await eventually(() => receiveOne(server, 'tick-q'));
      expect(JSON.parse(m.body)).toMatchObject({
        source: 'aws.events',
        'detail-type': 'Scheduled Event',
        resources: [rows[0]?.arn],
        detail: {},
        time: first.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      });
      const after = await server.pool.query<{ next_fire_at: Date }>(
        "SELECT next_fire_at FROM event_rules WHERE name = 'tick'",
      );
      expect(after.rows[0]?.next_fire_at.getTime()).toBeGreaterThan(first.getTime());
      expect(await receiveOne(server, 'tick-q')).toBeUndefined();
    } finally {
      await node.stop();
    }
  });

  it('archives matching events and replays them with a replay-name, without archiving them again', async () => {
    const node = otherNode();
    try {
      const archive = await server.call('POST', '/v1/archives', {
        name: 'arch',
        eventPattern: { source: ['app.arch'] },
      });
      expect(archive.status).toBe(201);
      await server.call('POST', '/v1/events', {
        entries: [
          { source: 'app.arch', detailType: 'x', detail: { n: 1 } },
          { source: 'app.arch', detailType: 'x', detail: { n: 2 } },
          { source: 'app.other', detailType: 'x', detail: { n: 3 } },
        ],
      });
      await eventually(async () =>
        (await server.call('GET', '/v1/archives/arch')).body.eventCount === 2 ? true : undefined,
      );
      await queueRule('replayed', 'replay-q', { eventPattern: { source: ['app.arch'] } });
      const hour = 3_600_000;
      const start = await server.call('POST', '/v1/replays', {
        name: 'r1',
        archiveName: 'arch',
        eventStartTime: new Date(Date.now() - hour).toISOString(),
        eventEndTime: new Date(Date.now() + hour).toISOString(),
        destinationRules: ['replayed'],
      });
      expect(start.status).toBe(201);
      const done = await eventually(async () => {
        const r = await server.call('GET', '/v1/replays/r1');
        return r.body.state === 'COMPLETED' ? r.body : undefined;
      });
      expect(done.eventsReplayed).toBe(2);
      const bodies = [];
      for (let i = 0; i < 2; i++) {
        const m = await eventually(() => receiveOne(server, 'replay-q'));
        bodies.push(JSON.parse(m.body));
      }
      expect(bodies.map((b) => b['replay-name'])).toEqual(['r1', 'r1']);
      expect(bodies.map((b) => b.detail.n).sort()).toEqual([1, 2]);
      await new Promise((r) => setTimeout(r, 300));
      expect((await server.call('GET', '/v1/archives/arch')).body.eventCount).toBe(2);
    } finally {
      await node.stop();
    }
  });

  it('sweeps archived events past their retention and old routed events', async () => {
    await server.call('POST', '/v1/archives', { name: 'short', retentionDays: 1 });
    const { rows } = await server.pool.query<{ id: string }>(
      "SELECT id FROM event_archives WHERE name = 'short'",
    );
    const archiveId = rows[0]?.id;
    await server.pool.query(
      `INSERT INTO archived_events (archive_id, event_id, event_time, envelope)
       VALUES ($1, gen_random_uuid(), now() - interval '2 days', '{}'), ($1, gen_random_uuid(), now(), '{}')`,
      [archiveId],
    );
    await server.pool.query(
      "UPDATE events SET routed_at = now() - interval '2 days' WHERE routed_at IS NOT NULL",
    );
    await createSweeper({ pool: server.pool, intervalMs: 0 }).step();
    const left = await server.pool.query(
      'SELECT count(*)::int AS n FROM archived_events WHERE archive_id = $1',
      [archiveId],
    );
    expect(left.rows[0].n).toBe(1);
    const routed = await server.pool.query(
      'SELECT count(*)::int AS n FROM events WHERE routed_at IS NOT NULL',
    );
    expect(routed.rows[0].n).toBe(0);
  });
});
