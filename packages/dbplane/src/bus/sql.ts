import { type Db, writeLater } from '../store/db.js';

export interface BusRow {
  id: string;
  account_id: string;
  name: string;
  arn: string;
  description: string | null;
  rules_version: string;
  created_at: Date;
}

export interface RuleRow {
  id: string;
  bus_id: string;
  name: string;
  arn: string;
  event_pattern: unknown;
  schedule_expression: string | null;
  state: 'ENABLED' | 'DISABLED';
  description: string | null;
  next_fire_at: Date | null;
}

export interface TargetRow {
  rule_id: string;
  target_id: string;
  arn: string;
  spec: import('./types.js').Target;
}

/** Inserts a bus unless it exists, and answers it. */
export async function ensureBus(
  db: Db,
  p: Readonly<{ id: string; accountId: string; name: string; arn: string; description?: string | null }>,
): Promise<BusRow> {
  await db.query(
    `INSERT INTO event_buses (id, account_id, name, arn, description) VALUES ($1,$2,$3,$4,$5)
     ON CONFLICT (account_id, name) DO NOTHING`,
    [p.id, p.accountId, p.name, p.arn, p.description ?? null],
  );
  const row = await findBus(db, p);
  if (row === undefined) throw new Error('bus vanished');
  return row;
}

export async function findBus(db: Db, p: Readonly<{ accountId: string; name: string }>) {
  const r = await db.query<BusRow>('SELECT * FROM event_buses WHERE account_id = $1 AND name = $2', [
    p.accountId,
    p.name,
  ]);
  return r.rows[0];
}

export async function listBuses(db: Db, accountId: string): Promise<BusRow[]> {
  const r = await db.query<BusRow>('SELECT * FROM event_buses WHERE account_id = $1 ORDER BY name', [
    accountId,
  ]);
  return r.rows;
}

export async function deleteBus(db: Db, id: string): Promise<void> {
  await db.query('DELETE FROM event_buses WHERE id = $1', [id]);
}

/** Bumps the bus's rules version so every node recompiles its matcher. */
export async function bumpRules(db: Db, busId: string): Promise<void> {
  await db.query('UPDATE event_buses SET rules_version = rules_version + 1 WHERE id = $1', [busId]);
}

/**
 * Inserts an event; with `channel`, also wakes the routers. Held for the
 * transaction's next round trip (`writeLater`): nothing reads it back there.
 */
export async function insertEvent(
  db: Db,
  p: Readonly<{ id: string; busId: string; envelope: unknown; replayName?: string | null; channel?: string }>,
): Promise<void> {
  const insert = {
    text: 'INSERT INTO events (id, bus_id, envelope, replay_name) VALUES ($1,$2,$3,$4)',
    values: [p.id, p.busId, JSON.stringify(p.envelope), p.replayName ?? null],
  };
  if (p.channel === undefined) await writeLater(db, insert);
  else await writeLater(db, insert, { text: 'SELECT pg_notify($1, $2)', values: [p.channel, p.busId] });
}

export async function upsertRule(
  db: Db,
  p: Readonly<{
    id: string;
    busId: string;
    name: string;
    arn: string;
    eventPattern: unknown;
    scheduleExpression: string | null;
    state: string;
    description: string | null;
    nextFireAt: Date | null;
  }>,
): Promise<RuleRow> {
  const r = await db.query<RuleRow>(
    `INSERT INTO event_rules (id, bus_id, name, arn, event_pattern, schedule_expression, state, description, next_fire_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)
     ON CONFLICT (bus_id, name) DO UPDATE SET event_pattern = $5, schedule_expression = $6, state = $7,
       description = $8, next_fire_at = $9, updated_at = now()
     RETURNING *`,
    [
      p.id,
      p.busId,
      p.name,
      p.arn,
      p.eventPattern === null ? null : JSON.stringify(p.eventPattern),
      p.scheduleExpression,
      p.state,
      p.description,
      p.nextFireAt,
    ],
  );
  return r.rows[0] as RuleRow;
}

export async function findRule(db: Db, p: Readonly<{ busId: string; name: string }>) {
  const r = await db.query<RuleRow>('SELECT * FROM event_rules WHERE bus_id = $1 AND name = $2', [
    p.busId,
    p.name,
  ]);
  return r.rows[0];
}

export async function listRules(db: Db, busId: string): Promise<RuleRow[]> {
  const r = await db.query<RuleRow>('SELECT * FROM event_rules WHERE bus_id = $1 ORDER BY name', [busId]);
  return r.rows;
}

export async function setRuleState(db: Db, id: string, state: string, nextFireAt: Date | null) {
  await db.query('UPDATE event_rules SET state = $2, next_fire_at = $3, updated_at = now() WHERE id = $1', [
    id,
    state,
    nextFireAt,
  ]);
}

export async function deleteRule(db: Db, id: string): Promise<void> {
  await db.query('DELETE FROM event_rules WHERE id = $1', [id]);
}

export async function listTargets(db: Db, ruleIds: readonly string[]): Promise<TargetRow[]> {
  const r = await db.query<TargetRow>(
    'SELECT * FROM event_targets WHERE rule_id = ANY($1::uuid[]) ORDER BY target_id',
    [ruleIds],
  );
  return r.rows;
}

export async function upsertTarget(
  db: Db,
  p: Readonly<{ ruleId: string; id: string; arn: string; spec: unknown }>,
) {
  await db.query(
    `INSERT INTO event_targets (rule_id, target_id, arn, spec) VALUES ($1,$2,$3,$4)
     ON CONFLICT (rule_id, target_id) DO UPDATE SET arn = $3, spec = $4`,
    [p.ruleId, p.id, p.arn, JSON.stringify(p.spec)],
  );
}

export async function deleteTarget(db: Db, ruleId: string, id: string): Promise<number> {
  const r = await db.query('DELETE FROM event_targets WHERE rule_id = $1 AND target_id = $2', [ruleId, id]);
  return r.rowCount ?? 0;
}
