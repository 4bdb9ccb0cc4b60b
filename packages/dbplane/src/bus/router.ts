import { randomUUID } from 'node:crypto';
import { compileRules, type Matcher, matchesPattern, tryTransformInput } from '@dbplane/events';
import { type Db, type Pool, withTransaction } from '../store/db.js';
import { claimEvents, type EventRow, insertDelivery, markRouted } from './delivery-sql.js';
import * as sql from './sql.js';
import { DELIVERIES_CHANNEL, type Target } from './types.js';

interface CompiledBus {
  version: string;
  matcher: Matcher;
  rules: Map<string, { row: sql.RuleRow; targets: Target[] }>;
  archives: { id: string; pattern: unknown }[];
}

const BATCH = 100;

/**
 * Routes accepted events: matches them against their bus's enabled rules
 * (a compiled matcher cached per bus, rebuilt when the bus's rules version
 * moves) and writes one delivery per matching target, with its transformed
 * input, in the transaction that marks the events routed. Also archives them.
 */
export function createRouter(deps: { pool: Pool }) {
  const cache = new Map<string, CompiledBus>();

  const compiled = async (tx: Db, busId: string): Promise<CompiledBus | undefined> => {
    const v = await tx.query<{ rules_version: string }>(
      'SELECT rules_version FROM event_buses WHERE id = $1',
      [busId],
    );
    const version = v.rows[0]?.rules_version;
    if (version === undefined) return undefined;
    const hit = cache.get(busId);
    if (hit?.version === version) return hit;
    const rows = (await sql.listRules(tx, busId)).filter(
      (r) => r.state === 'ENABLED' && r.event_pattern !== null,
    );
    const targets = await sql.listTargets(
      tx,
      rows.map((r) => r.id),
    );
    const rules = new Map(
      rows.map((r) => [
        r.id,
        { row: r, targets: targets.filter((t) => t.rule_id === r.id).map((t) => t.spec) },
      ]),
    );
    const a = await tx.query<{ id: string; event_pattern: unknown }>(
      'SELECT id, event_pattern FROM event_archives WHERE bus_id = $1',
      [busId],
    );
    const entry = {
      version,
      matcher: compileRules(rows.map((r) => ({ id: r.id, pattern: r.event_pattern as never }))),
      rules,
      archives: a.rows.map((r) => ({ id: r.id, pattern: r.event_pattern })),
    };
    cache.set(busId, entry);
    return entry;
  };

  const replayRules = async (tx: Db, ev: EventRow): Promise<Set<string> | null> => {
    if (ev.replay_name === null) return null;
    const r = await tx.query<{ destination_rules: string[] | null }>(
      'SELECT destination_rules FROM event_replays WHERE account_id = $1 AND name = $2',
      [ev.envelope.account, ev.replay_name],
    );
    const list = r.rows[0]?.destination_rules;
    return list === null || list === undefined ? null : new Set(list);
  };

  const routeOne = async (tx: Db, ev: EventRow): Promise<number> => {
    const bus = await compiled(tx, ev.bus_id);
    if (bus === undefined) return 0;
    const only = await replayRules(tx, ev);
    let written = 0;
    for (const ruleId of bus.matcher.match(ev.envelope as never)) {
      const rule = bus.rules.get(ruleId);
      if (rule === undefined || (only !== null && !only.has(rule.row.arn) && !only.has(rule.row.name)))
        continue;
      for (const target of rule.targets) {
        const opts =
          target.inputTransformer ??
          (target.input !== undefined
            ? { input: target.input }
            : target.inputPath !== undefined
              ? { inputPath: target.inputPath }
              : {});
        const r = tryTransformInput(ev.envelope, opts as never, {
          ruleArn: rule.row.arn,
          ruleName: rule.row.name,
          ingestionTime: ev.ingested_at,
        });
        await insertDelivery(tx, {
          id: randomUUID(),
          eventId: ev.id,
          accountId: ev.envelope.account,
          ruleArn: rule.row.arn,
          ruleName: rule.row.name,
          target,
          input: r.ok ? r.input : null,
          errorCode: r.ok ? null : 'INVALID_JSON',
          errorMessage: r.ok ? null : r.message,
        });
        written++;
      }
    }
    if (ev.replay_name === null) await archive(tx, bus, ev);
    return written;
  };

  const archive = async (tx: Db, bus: CompiledBus, ev: EventRow) => {
    for (const a of bus.archives) {
      if (a.pattern !== null && !matchesPattern(a.pattern as never, ev.envelope as never)) continue;
      await tx.query(
        `INSERT INTO archived_events (archive_id, event_id, event_time, envelope) VALUES ($1,$2,$3,$4)
         ON CONFLICT DO NOTHING`,
        [a.id, ev.id, ev.envelope.time, JSON.stringify(ev.envelope)],
      );
    }
  };

  return {
    /** Routes one batch; answers how many events it routed. */
    async step(): Promise<number> {
      return withTransaction(deps.pool, async (tx) => {
        const events = await claimEvents(tx, BATCH);
        if (events.length === 0) return 0;
        let deliveries = 0;
        for (const ev of events) deliveries += await routeOne(tx, ev);
        await markRouted(
          tx,
          events.map((e) => e.id),
        );
        if (deliveries > 0) await tx.query('SELECT pg_notify($1, $2)', [DELIVERIES_CHANNEL, '']);
        return events.length;
      });
    },
  };
}
