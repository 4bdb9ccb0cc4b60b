import type { Logger } from '../log/logger.js';
import { type Pool, withTransaction } from '../store/db.js';
import type { Notifier } from '../store/notifier.js';
import { EXEC_CHANNEL, type LocalTasks, TASK_CHANNEL } from './apply.js';
import type { EngineInput } from './engine-types.js';
import type { ExecutionMetrics } from './metrics.js';
import type { TaskOutcome, TaskRegistry } from './registry.js';
import * as sql from './sql.js';

export interface TaskWorkerDeps {
  pool: Pool;
  registry: TaskRegistry;
  notifier: Notifier;
  log: Logger;
  /** Who holds leases: unique per process. */
  owner: string;
  concurrency?: number;
  leaseMs?: number;
  metrics?: ExecutionMetrics;
  /** Called after a result reached an execution's inbox (the engine loop steps it at once). */
  onDelivered?: (executionArn: string) => void;
}

/**
 * Carries out task invocations: claims pending tasks with a lease, invokes
 * their resource, and hands the outcome to the execution's inbox. A task
 * whose worker died is claimed again when its lease runs out: invocations
 * are at least once, each with its stable idempotency token.
 */
export function createTaskWorker(deps: TaskWorkerDeps) {
  const concurrency = deps.concurrency ?? 16;
  const leaseMs = deps.leaseMs ?? 30_000;
  const inFlight = new Map<string, AbortController>();
  /** Slots handed to transactions that queue a task for this worker, until they end. */
  let reserved = 0;
  const abort = new AbortController();
  let running = false;
  let loop: Promise<void> | undefined;
  let renewer: NodeJS.Timeout | undefined;

  const invoke = async (task: sql.TaskRow, signal: AbortSignal): Promise<TaskOutcome> => {
    const handler = deps.registry.resolve(task.resource);
    if (handler === undefined) {
      return {
        type: 'failed',
        error: 'States.Runtime',
        cause: `no integration serves resource ${task.resource}`,
      };
    }
    try {
      return await handler({
        resource: task.resource,
        input: task.input,
        idempotencyToken: task.token,
        taskToken: task.task_token,
        pattern: task.pattern,
        accountId: task.account_id,
        executionArn: task.execution_arn,
        signal,
      });
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      return { type: 'failed', error: e.name === 'Error' ? 'States.TaskFailed' : e.name, cause: e.message };
    }
  };

  const deliver = async (task: sql.TaskRow, outcome: TaskOutcome) => {
    const delivered = await withTransaction(deps.pool, async (tx) => {
      if (outcome.type === 'callback') {
        await sql.markWaiting(tx, { token: task.token, owner: deps.owner });
        return false;
      }
      const ended = await sql.finishTask(tx, { token: task.token, owner: deps.owner });
      if (ended === undefined) return false; // another worker or a callback ended it first
      const input: EngineInput =
        outcome.type === 'succeeded'
          ? { type: 'taskSucceeded', taskId: task.task_id, output: outcome.output }
          : { type: 'taskFailed', taskId: task.task_id, error: outcome.error, cause: outcome.cause };
      await sql.enqueueInput(tx, { arn: task.execution_arn, input });
      await sql.notify(tx, EXEC_CHANNEL, task.execution_arn);
      return true;
    });
    if (delivered) deps.onDelivered?.(task.execution_arn);
  };

  const runTask = async (task: sql.TaskRow) => {
    const controller = new AbortController();
    inFlight.set(task.token, controller);
    const began = performance.now();
    try {
      const outcome = await invoke(task, controller.signal);
      deps.metrics?.task(outcome.type, (performance.now() - began) / 1000, task.attempts);
      await deliver(task, outcome);
    } catch (err) {
      deps.log.warn(
        { err, token: task.token },
        'task outcome not recorded; it will be retried when its lease expires',
      );
    } finally {
      inFlight.delete(task.token);
    }
  };

  const run = async () => {
    while (running) {
      try {
        const free = concurrency - inFlight.size - reserved;
        const cursor = deps.notifier.cursor(TASK_CHANNEL);
        const tasks =
          free > 0 ? await sql.claimTasks(deps.pool, { owner: deps.owner, leaseMs, limit: free }) : [];
        for (const task of tasks) void runTask(task);
        if (tasks.length === 0 || free === tasks.length)
          await deps.notifier.wait(
            TASK_CHANNEL,
            tasks.length === 0 ? 1000 : 5,
            undefined,
            abort.signal,
            cursor,
          );
      } catch (err) {
        if (!running) return;
        deps.log.warn({ err }, 'task worker: store unavailable, retrying');
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  };

  const local: LocalTasks = {
    reserve() {
      if (!running || inFlight.size + reserved >= concurrency) return undefined;
      reserved += 1;
      let open = true;
      const release = () => {
        if (open) reserved -= 1;
        open = false;
      };
      return {
        owner: deps.owner,
        leaseMs,
        release,
        run(task) {
          release();
          if (running) void runTask(task); // else its lease runs out and another worker claims it
        },
      };
    },
  };

  return {
    /** Tasks queued on this node, taken without a wake-up or a claim (see `LocalTasks`). */
    local,
    start() {
      if (running) return;
      running = true;
      loop = run();
      renewer = setInterval(() => {
        sql
          .renewLeases(deps.pool, { owner: deps.owner, tokens: [...inFlight.keys()], leaseMs })
          .catch(() => {});
      }, leaseMs / 3);
    },
    async stop() {
      running = false;
      abort.abort();
      clearInterval(renewer);
      await loop;
      for (const c of inFlight.values()) c.abort();
      while (inFlight.size > 0) await new Promise((r) => setTimeout(r, 20));
    },
  };
}
