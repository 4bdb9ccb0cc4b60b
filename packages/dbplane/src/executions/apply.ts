import { randomBytes } from 'node:crypto';
import type { LoggingConfiguration } from '../states/types.js';
import { type Db, onTransactionEnd } from '../store/db.js';
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
  /** This node's task worker, when it runs: tasks it has room for skip the wake-up and the claim. */
  localTasks?: LocalTasks | undefined;
}

/**
 * A task worker that takes tasks queued on its node straight after their
 * transaction commits: the task is inserted already leased to it, so no
 * NOTIFY round trip and no claim query stand between the step and the call.
 */
export interface LocalTasks {
  /** Room for one task (released if the transaction rolls back), or undefined when the worker is full. */
  reserve(): TaskSlot | undefined;
}

export interface TaskSlot {
  owner: string;
  leaseMs: number;
  run(task: sql.TaskRow): void;
  release(): void;
}

/** One input to an execution's engine, as a replay needs it. */
export type JournalEntry =
  | { now: number; start: { input: unknown; context: import('./engine-types.js').StartContext } }
  | { now: number; input: import('./engine-types.js').EngineInput };

/** What one step changed, for the caller to wake the right workers after commit. */
export interface Applied {
  final?: { status: FinalStatus; output: unknown; error: string | null; cause: string | null };
  tasks: number;
  /** Of `tasks`, those this node's worker runs after commit. */
  local: number;
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
    /** The execution's row as read (or inserted) in this transaction, when it is current. */
    current?: sql.ExecutionRow | undefined;
  }>,
  result: StepResult,
  observer: StepObserver = {},
): Promise<Applied & { lastEventId: number }> {
  const applied: Applied = { tasks: 0, local: 0, timers: 0, activities: [] };
  // a step that ends the execution queues nothing: its final write drops pending tasks and timers
  const ends = result.commands.some((c) => c.type === 'complete');
  for (const command of result.commands) {
    if (ends && (command.type === 'invokeTask' || command.type === 'startTimer')) continue;
    await applyCommand(tx, execution, command, applied, observer.localTasks);
  }
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
    current: execution.current,
  });
  if (applied.final !== undefined)
    await observer.onStatus?.(tx, {
      executionArn: execution.arn,
      status: applied.final.status,
      ...(finished === undefined ? {} : { row: finished }),
    });
  observer.onApplied?.(result, applied);
  if (applied.tasks > applied.local) await sql.notify(tx, TASK_CHANNEL, '');
  if (applied.timers > 0) await sql.notify(tx, EXEC_CHANNEL, '');
  for (const arn of applied.activities) await sql.notify(tx, ACTIVITY_CHANNEL, arn);
  return { ...applied, lastEventId };
}

async function applyCommand(
  tx: Db,
  execution: Readonly<{ arn: string; accountId: string }>,
  command: EngineCommand,
  applied: Applied,
  local: LocalTasks | undefined,
): Promise<void> {
  switch (command.type) {
    case 'invokeTask': {
      const base = command.resource.replace(/\.(sync(:2)?|waitForTaskToken)$/, '');
      const activityArn = ACTIVITY_ARN.test(base) ? base : null;
      const slot = activityArn === null ? local?.reserve() : undefined;
      const task = await sql.insertTask(tx, {
        token: command.idempotencyToken,
        arn: execution.arn,
        accountId: execution.accountId,
        taskId: command.taskId,
        resource: command.resource,
        input: command.input,
        pattern: command.pattern,
        taskToken: command.taskToken ?? (activityArn === null ? null : randomBytes(32).toString('base64url')),
        activityArn,
        lease: slot,
      });
      if (slot !== undefined) {
        if (!onTransactionEnd(tx, (ok) => (ok ? slot.run(task) : slot.release()))) {
          slot.release();
          throw new Error('a step is applied outside a transaction');
        }
        applied.local += 1;
      }
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
