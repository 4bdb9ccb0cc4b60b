import { randomBytes } from 'node:crypto';
import type { LoggingConfiguration } from '../states/types.js';
import type { Db } from '../store/db.js';
import type { EngineCommand, FinalStatus, HistoryEvent, StepResult } from './engine-types.js';
import { writeLogs } from './logs.js';
import * as sql from './sql.js';

export const EXEC_CHANNEL = 'dbplane_exec';
export const TASK_CHANNEL = 'dbplane_task';
export const ACTIVITY_CHANNEL = 'dbplane_activity';

const ACTIVITY_ARN = /^arn:[a-z]+:states:[^:]*:[^:]*:activity:[^:]+$/;

/**
 * Called inside the transaction that changes an execution's status (RUNNING
 * at start and redrive, then its final status), so that a status-change event
 * commits with the change (the event bus publishes "Step Functions Execution
 * Status Change" from here).
 */
export type StatusListener = (
  tx: Db,
  change: { executionArn: string; status: string; row?: sql.ExecutionRow },
) => Promise<void>;

/** What the host watches as steps are applied: status changes (in the transaction) and step results. */
export interface StepObserver {
  onStatus?: StatusListener | undefined;
  onApplied?: ((result: StepResult, applied: Applied) => void) | undefined;
  /** Every input the engine is given, with its time (recording histories for replay tests). */
  onInput?: ((executionArn: string, entry: JournalEntry) => void) | undefined;
}

/** One input to an execution's engine, as a replay needs it. */
export type JournalEntry =
  | { now: number; start: { input: unknown; context: import('./engine-types.js').StartContext } }
  | { now: number; input: import('./engine-types.js').EngineInput };

/** What one step changed, for the caller to wake the right workers after commit. */
export interface Applied {
  final?: { status: FinalStatus; output: unknown; error: string | null; cause: string | null };
  tasks: number;
  timers: number;
  activities: string[];
}

/** Accumulates the results of several steps of one execution. */
export function merge(results: readonly StepResult[]): StepResult {
  const last = results.at(-1);
  return {
    state: last?.state,
    events: results.flatMap((r) => r.events),
    commands: results.flatMap((r) => r.commands),
  };
}

/**
 * Persists one or more engine steps of an execution inside the caller's
 * transaction: history events, tasks, timers, the engine state and, when the
 * engine finished, the final status. Effects happen only after commit.
 */
export async function applyStep(
  tx: Db,
  execution: Readonly<{
    arn: string;
    accountId: string;
    lastEventId: number;
    stateMachineArn: string;
    logging: LoggingConfiguration;
  }>,
  result: StepResult,
  observer: StepObserver = {},
): Promise<Applied & { lastEventId: number }> {
  const applied: Applied = { tasks: 0, timers: 0, activities: [] };
  for (const command of result.commands) await applyCommand(tx, execution, command, applied);
  await writeLogs(tx, {
    executionArn: execution.arn,
    stateMachineArn: execution.stateMachineArn,
    logging: execution.logging,
    events: result.events,
  });
  const lastEventId = lastId(result.events, execution.lastEventId);
  const finished = await sql.saveProgress(tx, {
    arn: execution.arn,
    engineState: result.state,
    lastEventId,
    events: result.events,
    final: applied.final,
  });
  if (applied.final !== undefined)
    await observer.onStatus?.(tx, {
      executionArn: execution.arn,
      status: applied.final.status,
      ...(finished === undefined ? {} : { row: finished }),
    });
  observer.onApplied?.(result, applied);
  if (applied.tasks > 0) await tx.query('SELECT pg_notify($1, $2)', [TASK_CHANNEL, '']);
  if (applied.timers > 0) await tx.query('SELECT pg_notify($1, $2)', [EXEC_CHANNEL, '']);
  for (const arn of applied.activities) await tx.query('SELECT pg_notify($1, $2)', [ACTIVITY_CHANNEL, arn]);
  return { ...applied, lastEventId };
}

async function applyCommand(
  tx: Db,
  execution: Readonly<{ arn: string; accountId: string }>,
  command: EngineCommand,
  applied: Applied,
): Promise<void> {
  switch (command.type) {
    case 'invokeTask': {
      const base = command.resource.replace(/\.(sync(:2)?|waitForTaskToken)$/, '');
      const activityArn = ACTIVITY_ARN.test(base) ? base : null;
      await sql.insertTask(tx, {
        token: command.idempotencyToken,
        arn: execution.arn,
        accountId: execution.accountId,
        taskId: command.taskId,
        resource: command.resource,
        input: command.input,
        pattern: command.pattern,
        taskToken: command.taskToken ?? (activityArn === null ? null : randomBytes(32).toString('base64url')),
        activityArn,
      });
      if (activityArn === null) applied.tasks += 1;
      else applied.activities.push(activityArn);
      return;
    }
    case 'startTimer':
      await sql.enqueueInput(tx, {
        arn: execution.arn,
        input: { type: 'timerFired', timerId: command.timerId },
        dueAt: new Date(command.dueAt),
        timerId: command.timerId,
      });
      applied.timers += 1;
      return;
    case 'cancelTimer':
      await sql.cancelTimer(tx, { arn: execution.arn, timerId: command.timerId });
      return;
    case 'complete':
      applied.final = {
        status: command.status,
        output: command.output,
        error: command.error ?? null,
        cause: command.cause ?? null,
      };
      return;
  }
}

function lastId(events: readonly HistoryEvent[], previous: number): number {
  return events.reduce((max, e) => Math.max(max, e.id), previous);
}
