import { randomUUID } from 'node:crypto';
import { tryTransformInput } from '@dbplane/events';
import { type Db, type Pool, withTransaction } from '../store/db.js';
import { insertDelivery, markRouted } from './delivery-sql.js';
import { nextFire } from './rules.js';
import * as sql from './sql.js';
import { DELIVERIES_CHANNEL, type EventEnvelope } from './types.js';

type DueRule = sql.RuleRow & { account_id: string };

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * Fires scheduled rules durably: claims rules whose `next_fire_at` has passed
 * (SKIP LOCKED, so one node fires each), writes the `Scheduled Event` and one
 * delivery per target, and stores the next fire time, in one transaction.
 * `now` is injectable so tests need not wait.
 */
export function createScheduler(deps: { pool: Pool; region: string; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());

  const fire = async (tx: Db, rule: DueRule, at: Date) => {
    const id = randomUUID();
    const envelope: EventEnvelope = {
      version: '0',
      id,
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: rule.account_id,
      time: iso(at),
      region: deps.region,
      resources: [rule.arn],
      detail: {},
    };
    await sql.insertEvent(tx, { id, busId: rule.bus_id, envelope });
    await markRouted(tx, [id]);
    for (const t of await sql.listTargets(tx, [rule.id])) {
      const target = t.spec;
      const opts =
        target.inputTransformer ??
        (target.input !== undefined
          ? { input: target.input }
          : target.inputPath !== undefined
            ? { inputPath: target.inputPath }
            : {});
      const r = tryTransformInput(envelope, opts as never, {
        ruleArn: rule.arn,
        ruleName: rule.name,
        ingestionTime: at,
      });
      await insertDelivery(tx, {
        id: randomUUID(),
        eventId: id,
        accountId: rule.account_id,
        ruleArn: rule.arn,
        ruleName: rule.name,
        target,
        input: r.ok ? r.input : null,
        errorCode: r.ok ? null : 'INVALID_JSON',
        errorMessage: r.ok ? null : r.message,
      });
    }
  };

  return {
    /** Fires every due rule once; answers how many fired. */
    async step(): Promise<number> {
      const at = now();
      return withTransaction(deps.pool, async (tx) => {
        const due = await tx.query<DueRule>(
          `SELECT r.*, b.account_id FROM event_rules r JOIN event_buses b ON b.id = r.bus_id
           WHERE r.state = 'ENABLED' AND r.next_fire_at IS NOT NULL AND r.next_fire_at <= $1
           ORDER BY r.next_fire_at LIMIT 20 FOR UPDATE OF r SKIP LOCKED`,
          [at],
        );
        for (const rule of due.rows) {
          const fireAt = rule.next_fire_at ?? at;
          await fire(tx, rule, fireAt);
          const next = rule.schedule_expression === null ? null : nextFire(rule.schedule_expression, at);
          await tx.query('UPDATE event_rules SET next_fire_at = $2 WHERE id = $1', [rule.id, next]);
        }
        if (due.rows.length > 0) await tx.query('SELECT pg_notify($1, $2)', [DELIVERIES_CHANNEL, '']);
        return 0;
      });
    },
  };
}
