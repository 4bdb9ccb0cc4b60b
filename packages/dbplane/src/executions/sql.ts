import type { LoggingConfiguration } from '../states/types.js';
import { type Db, writeLater } from '../store/db.js';
import type { EngineInput, FinalStatus, HistoryEvent } from './engine-types.js';
import type { IntegrationPattern } from './registry.js';

export interface ExecutionRow {
  arn: string;
  account_id: string;
  machine_id: string;
  state_machine_arn: string;
  revision: number;
  version: number | null;
  alias: string | null;
  name: string;
  input: unknown;
  input_hash: string;
  status: 'RUNNING' | FinalStatus;
  output: unknown;
  error: string | null;
  cause: string | null;
  start_date: Date;
  stop_date: Date | null;
  engine_state: unknown;
  last_event_id: number;
  redrive_count: number;
  redrive_date: Date | null;
  logging: LoggingConfiguration;
  /** The transaction's `now()`, where the row was read or written by this transaction. */
  tx_now?: Date;
}

export async function insertExecution(
  db: Db,
  p: Readonly<{
    arn: string;
    accountId: string;
    machineId: string;
    stateMachineArn: string;
    revision: number;
    version: number | null;
    alias: string | null;
    name: string;
    input: unknown;
    inputHash: string;
    logging: LoggingConfiguration;
  }>,
): Promise<ExecutionRow | undefined> {
  const r = await db.query<ExecutionRow>(
    `INSERT INTO executions (arn, account_id, machine_id, state_machine_arn, revision, version, alias, name, input,
       input_hash, status, logging) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,'RUNNING',$11)
     ON CONFLICT (state_machine_arn, name) DO NOTHING RETURNING *, now() AS tx_now`,
    [
      p.arn,
      p.accountId,
      p.machineId,
      p.stateMachineArn,
      p.revision,
      p.version,
      p.alias,
      p.name,
      JSON.stringify(p.input),
      p.inputHash,
      JSON.stringify(p.logging),
    ],
  );
  return r.rows[0];
}

export async function findExecution(
  db: Db,
  arn: string,
  lock?: 'update' | 'skip',
): Promise<ExecutionRow | undefined> {
  const suffix = lock === 'update' ? ' FOR UPDATE' : lock === 'skip' ? ' FOR UPDATE SKIP LOCKED' : '';
  const r = await db.query<ExecutionRow>(
    `SELECT *, now() AS tx_now FROM executions WHERE arn = $1${suffix}`,
    [arn],
  );
  return r.rows[0];
}

export async function findByName(
  db: Db,
  p: Readonly<{ stateMachineArn: string; name: string }>,
): Promise<ExecutionRow | undefined> {
  const r = await db.query<ExecutionRow>(
    'SELECT * FROM executions WHERE state_machine_arn = $1 AND name = $2',
    [p.stateMachineArn, p.name],
  );
  return r.rows[0];
}

export async function listExecutions(
  db: Db,
  p: Readonly<{
    stateMachineArn: string;
    status?: string | undefined;
    limit: number;
    before?: { startUs: string; arn: string } | undefined;
  }>,
): Promise<(ExecutionRow & { start_us: string })[]> {
  const r = await db.query<ExecutionRow & { start_us: string }>(
    `SELECT *, (extract(epoch FROM start_date) * 1000000)::bigint::text AS start_us FROM executions
     WHERE state_machine_arn = $1 AND ($2::text IS NULL OR status = $2)
       AND ($3::bigint IS NULL OR ((extract(epoch FROM start_date) * 1000000)::bigint, arn) < ($3::bigint, $4::text))
     ORDER BY start_date DESC, arn DESC LIMIT $5`,
    [p.stateMachineArn, p.status ?? null, p.before?.startUs ?? null, p.before?.arn ?? '', p.limit + 1],
  );
  return r.rows;
}

const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));

/** Appends the history events in parameter `$<events>` (a JSON array) to the execution in `$1`. */
const appendEvents = (events: number) => `INSERT INTO execution_events (execution_arn, id, type, event)
  SELECT $1, (e->>'id')::int, e->>'type', e FROM jsonb_array_elements($${events}::jsonb) AS e`;

type FinalWrite = { status: FinalStatus; output: unknown; error: string | null; cause: string | null };

/**
 * Saves a step: appends its history events and stores the engine state; when
 * the engine finished, also the final status, dropping the execution's
 * pending tasks and inbox rows. Held for the transaction's next round trip
 * (`writeLater`) when nothing needs the stored row: always before the end,
 * and at the end when the caller gives the `current` row read in this
 * transaction (then the finished row is built from it: `stop_date` is the
 * transaction's `now()`, as the statement sets it). Without `current`, the
 * final write runs at once and answers the stored row.
 */
export async function saveProgress(
  db: Db,
  p: Readonly<{
    arn: string;
    engineState: unknown;
    lastEventId: number;
    events: readonly HistoryEvent[];
    final?: FinalWrite | undefined;
    current?: ExecutionRow | undefined;
  }>,
): Promise<ExecutionRow | undefined> {
  const append = { text: appendEvents(2), values: [p.arn, JSON.stringify(p.events)] };
  const state = JSON.stringify(p.engineState);
  if (p.final === undefined) {
    await writeLater(db, append, {
      text: 'UPDATE executions SET engine_state = $2, last_event_id = $3 WHERE arn = $1',
      values: [p.arn, state, p.lastEventId],
    });
    return undefined;
  }
  const f = p.final;
  const values = [p.arn, state, p.lastEventId, f.status, json(f.output), f.error, f.cause];
  const update = `UPDATE executions SET engine_state = $2, last_event_id = $3, status = $4, output = $5, error = $6,
    cause = $7, stop_date = now() WHERE arn = $1`;
  const stopDate = p.current?.tx_now;
  if (p.current === undefined || stopDate === undefined) {
    const r = await db.query<ExecutionRow>(
      `WITH ev AS (${appendEvents(8)}),
            t AS (DELETE FROM execution_tasks WHERE execution_arn = $1),
            i AS (DELETE FROM execution_inbox WHERE execution_arn = $1)
       ${update} RETURNING *`,
      [...values, JSON.stringify(p.events)],
    );
    return r.rows[0];
  }
  await writeLater(
    db,
    append,
    { text: 'DELETE FROM execution_tasks WHERE execution_arn = $1', values: [p.arn] },
    { text: 'DELETE FROM execution_inbox WHERE execution_arn = $1', values: [p.arn] },
    { text: update, values },
  );
  return {
    ...p.current,
    engine_state: p.engineState,
    last_event_id: p.lastEventId,
    status: f.status,
    output: f.output === undefined ? null : f.output,
    error: f.error,
    cause: f.cause,
    stop_date: stopDate,
  };
}

export async function reopenForRedrive(
  db: Db,
  p: Readonly<{ arn: string; engineState: unknown; lastEventId: number }>,
): Promise<void> {
  await db.query(
    `UPDATE executions SET status = 'RUNNING', engine_state = $2, last_event_id = $3, output = NULL, error = NULL,
       cause = NULL, stop_date = NULL, redrive_count = redrive_count + 1, redrive_date = now() WHERE arn = $1`,
    [p.arn, JSON.stringify(p.engineState), p.lastEventId],
  );
}

export async function listEvents(
  db: Db,
  p: Readonly<{ arn: string; afterId: number; limit: number; reverse: boolean }>,
): Promise<HistoryEvent[]> {
  const cmp = p.reverse ? '<' : '>';
  const r = await db.query<{ event: HistoryEvent }>(
    `SELECT event FROM execution_events WHERE execution_arn = $1 AND id ${cmp} $2
     ORDER BY id ${p.reverse ? 'DESC' : 'ASC'} LIMIT $3`,
    [p.arn, p.afterId, p.limit + 1],
  );
  return r.rows.map((row) => row.event);
}

/** Wakes `channel`'s listeners when the transaction commits (held with the writes around it). */
export async function notify(db: Db, channel: string, payload: string): Promise<void> {
  await writeLater(db, { text: 'SELECT pg_notify($1, $2)', values: [channel, payload] });
}

export async function enqueueInput(
  db: Db,
  p: Readonly<{ arn: string; input: EngineInput; dueAt?: Date | undefined; timerId?: string | undefined }>,
): Promise<void> {
  await writeLater(db, {
    text: `INSERT INTO execution_inbox (execution_arn, input, due_at, timer_id) VALUES ($1, $2, COALESCE($3, now()), $4)
     ON CONFLICT DO NOTHING`,
    values: [p.arn, JSON.stringify(p.input), p.dueAt ?? null, p.timerId ?? null],
  });
}

export async function cancelTimer(db: Db, p: Readonly<{ arn: string; timerId: string }>): Promise<void> {
  await db.query('DELETE FROM execution_inbox WHERE execution_arn = $1 AND timer_id = $2', [
    p.arn,
    p.timerId,
  ]);
}

/** Executions with inputs due now, oldest first. */
export async function dueExecutions(db: Db, limit: number): Promise<string[]> {
  const r = await db.query<{ execution_arn: string }>(
    `SELECT execution_arn FROM (SELECT execution_arn, min(seq) AS first FROM execution_inbox WHERE due_at <= now()
       GROUP BY execution_arn ORDER BY first LIMIT $1) t`,
    [limit],
  );
  return r.rows.map((row) => row.execution_arn);
}

/** The due inputs of one execution, locked, in arrival order. */
export async function takeDueInputs(db: Db, arn: string): Promise<{ seq: string; input: EngineInput }[]> {
  const r = await db.query<{ seq: string; input: EngineInput }>(
    `DELETE FROM execution_inbox WHERE seq IN (
       SELECT seq FROM execution_inbox WHERE execution_arn = $1 AND due_at <= now() ORDER BY seq FOR UPDATE)
     RETURNING seq, input`,
    [arn],
  );
  return r.rows.sort((a, b) => Number(a.seq) - Number(b.seq));
}

export async function nextDueAt(db: Db): Promise<Date | undefined> {
  const r = await db.query<{ due: Date | null }>('SELECT min(due_at) AS due FROM execution_inbox');
  return r.rows[0]?.due ?? undefined;
}

export interface TaskRow {
  token: string;
  execution_arn: string;
  account_id: string;
  task_id: string;
  resource: string;
  input: unknown;
  pattern: IntegrationPattern;
  task_token: string | null;
  status: 'pending' | 'running' | 'waiting' | 'activity';
  attempts: number;
  activity_arn: string | null;
}

/**
 * Queues a task invocation (held for the transaction's next round trip).
 * With `lease`, the task is queued already claimed by that owner (attempt 1),
 * for a worker of this node to run right after commit; a task whose owner
 * dies is claimed again when the lease runs out, as any other.
 */
export async function insertTask(
  db: Db,
  p: Readonly<{
    token: string;
    arn: string;
    accountId: string;
    taskId: string;
    resource: string;
    input: unknown;
    pattern: IntegrationPattern;
    taskToken: string | null;
    activityArn: string | null;
    lease?: { owner: string; leaseMs: number } | undefined;
  }>,
): Promise<TaskRow> {
  const status = p.activityArn !== null ? 'activity' : p.lease === undefined ? 'pending' : 'running';
  const input = JSON.stringify(p.input);
  await writeLater(db, {
    text: `INSERT INTO execution_tasks (token, execution_arn, account_id, task_id, resource, input, pattern, task_token,
       status, activity_arn, lease_owner, lease_until, attempts)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,
       CASE WHEN $11::text IS NULL THEN NULL ELSE now() + make_interval(secs => $12 / 1000.0) END,
       CASE WHEN $11::text IS NULL THEN 0 ELSE 1 END)
     ON CONFLICT (token) DO NOTHING`,
    values: [
      p.token,
      p.arn,
      p.accountId,
      p.taskId,
      p.resource,
      input,
      p.pattern,
      p.taskToken,
      status,
      p.activityArn,
      p.lease?.owner ?? null,
      p.lease?.leaseMs ?? 0,
    ],
  });
  return {
    token: p.token,
    execution_arn: p.arn,
    account_id: p.accountId,
    task_id: p.taskId,
    resource: p.resource,
    input: JSON.parse(input),
    pattern: p.pattern,
    task_token: p.taskToken,
    status,
    attempts: p.lease === undefined ? 0 : 1,
    activity_arn: p.activityArn,
  };
}

export async function claimTasks(
  db: Db,
  p: Readonly<{ owner: string; leaseMs: number; limit: number }>,
): Promise<TaskRow[]> {
  const r = await db.query<TaskRow>(
    `UPDATE execution_tasks t SET status = 'running', lease_owner = $1, lease_until = now() + make_interval(secs => $2 / 1000.0),
       attempts = attempts + 1
     WHERE token IN (SELECT token FROM execution_tasks
       WHERE status = 'pending' OR (status = 'running' AND lease_until < now())
       ORDER BY created_at LIMIT $3 FOR UPDATE SKIP LOCKED)
     RETURNING t.*`,
    [p.owner, p.leaseMs, p.limit],
  );
  return r.rows;
}

export async function renewLeases(
  db: Db,
  p: Readonly<{ owner: string; tokens: string[]; leaseMs: number }>,
): Promise<void> {
  if (p.tokens.length === 0) return;
  await db.query(
    `UPDATE execution_tasks SET lease_until = now() + make_interval(secs => $3 / 1000.0)
     WHERE token = ANY($2) AND lease_owner = $1 AND status = 'running'`,
    [p.owner, p.tokens, p.leaseMs],
  );
}

/** Ends a running task held by `owner`; false if another worker or a callback already ended it. */
export async function finishTask(
  db: Db,
  p: Readonly<{ token: string; owner: string }>,
): Promise<TaskRow | undefined> {
  const r = await db.query<TaskRow>(
    `DELETE FROM execution_tasks WHERE token = $1 AND status = 'running' AND lease_owner = $2 RETURNING *`,
    [p.token, p.owner],
  );
  return r.rows[0];
}

/** A running task now waits for its callback. */
export async function markWaiting(db: Db, p: Readonly<{ token: string; owner: string }>): Promise<void> {
  await db.query(
    `UPDATE execution_tasks SET status = 'waiting', lease_owner = NULL, lease_until = NULL
     WHERE token = $1 AND status = 'running' AND lease_owner = $2`,
    [p.token, p.owner],
  );
}

/** Ends a task by its task token (callbacks and activity workers), whatever its state. */
export async function takeByTaskToken(db: Db, taskToken: string): Promise<TaskRow | undefined> {
  const r = await db.query<TaskRow>('DELETE FROM execution_tasks WHERE task_token = $1 RETURNING *', [
    taskToken,
  ]);
  return r.rows[0];
}

export async function findByTaskToken(db: Db, taskToken: string): Promise<TaskRow | undefined> {
  const r = await db.query<TaskRow>('SELECT * FROM execution_tasks WHERE task_token = $1', [taskToken]);
  return r.rows[0];
}

export async function touchHeartbeat(db: Db, taskToken: string): Promise<void> {
  await db.query('UPDATE execution_tasks SET heartbeat_at = now() WHERE task_token = $1', [taskToken]);
}

/** Hands the oldest task of an activity to a worker. */
export async function claimActivityTask(
  db: Db,
  p: Readonly<{ activityArn: string; worker: string }>,
): Promise<TaskRow | undefined> {
  const r = await db.query<TaskRow>(
    `UPDATE execution_tasks t SET status = 'waiting', worker_name = $2
     WHERE token = (SELECT token FROM execution_tasks WHERE activity_arn = $1 AND status = 'activity'
       ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
     RETURNING t.*`,
    [p.activityArn, p.worker],
  );
  return r.rows[0];
}
