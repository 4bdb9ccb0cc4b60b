import type { LoggingConfiguration } from '../states/types.js';
import { type Db, writeLater } from '../store/db.js';
import type { HistoryEvent } from './engine-types.js';

const FATAL = new Set(['ExecutionFailed', 'ExecutionAborted', 'ExecutionTimedOut']);

/** Whether a history event is logged at `level`, as Step Functions' log levels define them. */
export function loggedAt(level: LoggingConfiguration['level'], type: string): boolean {
  if (level === 'OFF') return false;
  if (level === 'ALL') return true;
  if (level === 'FATAL') return FATAL.has(type);
  return FATAL.has(type) || /(Failed|TimedOut|Aborted)$/.test(type);
}

/** The event without inputs and outputs, for `includeExecutionData: false`. */
export function stripData(event: HistoryEvent): HistoryEvent {
  const copy: HistoryEvent = { ...event };
  for (const [key, value] of Object.entries(event)) {
    if (!key.endsWith('EventDetails') || value === null || typeof value !== 'object') continue;
    const details: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (!['input', 'output', 'parameters', 'result', 'inputDetails', 'outputDetails'].includes(k))
        details[k] = v;
    }
    copy[key] = details;
  }
  return copy;
}

/** Appends the events the execution's logging configuration keeps. */
export async function writeLogs(
  tx: Db,
  p: Readonly<{
    executionArn: string;
    stateMachineArn: string;
    logging: LoggingConfiguration;
    events: readonly HistoryEvent[];
  }>,
): Promise<void> {
  if (p.logging.level === 'OFF') return;
  // the engine's event details serialize lazily (toJSON): work on their JSON form
  const plain = JSON.parse(
    JSON.stringify(p.events.filter((e) => loggedAt(p.logging.level, e.type))),
  ) as HistoryEvent[];
  const kept = p.logging.includeExecutionData ? plain : plain.map(stripData);
  if (kept.length === 0) return;
  await writeLater(tx, {
    text: `INSERT INTO execution_logs (state_machine_arn, execution_arn, event_id, type, event)
     SELECT $1, $2, (e->>'id')::int, e->>'type', e FROM jsonb_array_elements($3::jsonb) AS e`,
    values: [p.stateMachineArn, p.executionArn, JSON.stringify(kept)],
  });
}

/** Deletes logs older than `logDays` and finished executions older than `executionDays`. */
export async function sweep(
  db: Db,
  p: Readonly<{ logDays: number; executionDays: number }>,
): Promise<{ logs: number; executions: number }> {
  const logs = await db.query(
    'DELETE FROM execution_logs WHERE created_at < now() - make_interval(days => $1)',
    [p.logDays],
  );
  const executions = await db.query(
    "DELETE FROM executions WHERE status <> 'RUNNING' AND stop_date < now() - make_interval(days => $1)",
    [p.executionDays],
  );
  return { logs: logs.rowCount ?? 0, executions: executions.rowCount ?? 0 };
}
