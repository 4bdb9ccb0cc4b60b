import type { Db } from '../store/db.js';
import type { EventEnvelope, Target } from './types.js';

export interface EventRow {
  id: string;
  bus_id: string;
  envelope: EventEnvelope;
  ingested_at: Date;
  replay_name: string | null;
}

export interface DeliveryRow {
  id: string;
  event_id: string;
  account_id: string;
  rule_arn: string;
  rule_name: string;
  target_id: string;
  target: Target;
  input: string | null;
  attempts: number;
  last_error_code: string | null;
  last_error_message: string | null;
  envelope: EventEnvelope;
  ingested_at: Date;
}

/** Claims unrouted events (the caller's transaction holds their row locks). */
export async function claimEvents(tx: Db, limit: number): Promise<EventRow[]> {
  const r = await tx.query<EventRow>(
    `SELECT id, bus_id, envelope, ingested_at, replay_name FROM events WHERE routed_at IS NULL
     ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
    [limit],
  );
  return r.rows;
}

export async function markRouted(tx: Db, ids: readonly string[]): Promise<void> {
  await tx.query('UPDATE events SET routed_at = now() WHERE id = ANY($1::uuid[])', [ids]);
}

export async function insertDelivery(
  tx: Db,
  p: Readonly<{
    id: string;
    eventId: string;
    accountId: string;
    ruleArn: string;
    ruleName: string;
    target: Target;
    input: string | null;
    errorCode: string | null;
    errorMessage: string | null;
  }>,
): Promise<void> {
  await tx.query(
    `INSERT INTO event_deliveries (id, event_id, account_id, rule_arn, rule_name, target_id, target, input,
       last_error_code, last_error_message) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
    [
      p.id,
      p.eventId,
      p.accountId,
      p.ruleArn,
      p.ruleName,
      p.target.id,
      JSON.stringify(p.target),
      p.input,
      p.errorCode,
      p.errorMessage,
    ],
  );
}

/** Leases due deliveries to `owner` for `leaseMs`; an expired lease makes them due again. */
export async function claimDeliveries(db: Db, owner: string, limit: number, leaseMs: number) {
  const r = await db.query<DeliveryRow>(
    `WITH c AS (
       SELECT id FROM event_deliveries WHERE due_at <= now() ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED)
     UPDATE event_deliveries d SET lease_owner = $1, due_at = now() + ($3 || ' milliseconds')::interval
     FROM c, events e WHERE d.id = c.id AND e.id = d.event_id
     RETURNING d.*, e.envelope, e.ingested_at`,
    [owner, limit, String(leaseMs)],
  );
  return r.rows;
}

export async function completeDelivery(db: Db, id: string, owner: string): Promise<void> {
  await db.query('DELETE FROM event_deliveries WHERE id = $1 AND lease_owner = $2', [id, owner]);
}

export async function retryDelivery(
  db: Db,
  p: Readonly<{ id: string; owner: string; delayMs: number; code: string; message: string }>,
): Promise<void> {
  await db.query(
    `UPDATE event_deliveries SET attempts = attempts + 1, lease_owner = NULL,
       due_at = now() + ($3 || ' milliseconds')::interval, last_error_code = $4, last_error_message = $5
     WHERE id = $1 AND lease_owner = $2`,
    [p.id, p.owner, String(p.delayMs), p.code, p.message],
  );
}

export async function countDrop(db: Db, ruleArn: string, targetId: string): Promise<void> {
  await db.query(
    `INSERT INTO event_drops (rule_arn, target_id, count) VALUES ($1,$2,1)
     ON CONFLICT (rule_arn, target_id) DO UPDATE SET count = event_drops.count + 1`,
    [ruleArn, targetId],
  );
}
