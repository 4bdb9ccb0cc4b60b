import type { Logger } from '../log/logger.js';
import { type Pool, withTransaction } from '../store/db.js';
import type { Notifier } from '../store/notifier.js';
import { applyStep, EXEC_CHANNEL, merge, type StepObserver } from './apply.js';
import type { DefinitionCache } from './definitions.js';
import type { Engine, StepResult } from './engine-types.js';
import { target } from './service.js';
import * as sql from './sql.js';

export interface EngineLoopDeps<M> {
  pool: Pool;
  engine: Engine<M>;
  definitions: DefinitionCache<M>;
  notifier: Notifier;
  log: Logger;
  clock?: () => number;
  observer?: StepObserver;
}

/**
 * Feeds due inputs (task results, timers, callbacks) to each execution's
 * engine. Several nodes run this loop on one store: an execution is locked
 * with SKIP LOCKED while it steps, so each input is applied exactly once, and
 * a node that dies mid-step rolls back and loses nothing.
 */
export function createEngineLoop<M>(deps: EngineLoopDeps<M>) {
  const clock = deps.clock ?? Date.now;
  let running = false;
  let stopped: Promise<void> | undefined;
  const abort = new AbortController();

  const stepOne = async (arn: string): Promise<void> => {
    await withTransaction(deps.pool, async (tx) => {
      const row = await sql.findExecution(tx, arn, 'skip');
      if (row === undefined) return;
      const inputs = await sql.takeDueInputs(tx, arn);
      if (row.status !== 'RUNNING' || inputs.length === 0) return;
      const machine = await deps.definitions.get(tx, row.machine_id, row.revision);
      const results: StepResult[] = [];
      let state = row.engine_state;
      for (const { input } of inputs) {
        const now = clock();
        deps.observer?.onInput?.(arn, { now, input });
        const result = await deps.engine.step(machine, state, input, now);
        results.push(result);
        state = result.state;
        if (result.commands.some((c) => c.type === 'complete')) break;
      }
      await applyStep(tx, { ...target(row), current: row }, merge(results), deps.observer);
    });
  };

  const pass = async (): Promise<number> => {
    const arns = await sql.dueExecutions(deps.pool, 64);
    for (const arn of arns) {
      try {
        await stepOne(arn);
      } catch (err) {
        deps.log.error({ err, executionArn: arn }, 'execution step failed');
      }
    }
    return arns.length;
  };

  const idle = async (cursor: number) => {
    const due = await sql.nextDueAt(deps.pool);
    const wait = due === undefined ? 1000 : Math.max(0, Math.min(1000, due.getTime() - Date.now()));
    if (wait > 0) await deps.notifier.wait(EXEC_CHANNEL, wait, undefined, abort.signal, cursor);
  };

  const run = async () => {
    while (running) {
      try {
        const cursor = deps.notifier.cursor(EXEC_CHANNEL);
        if ((await pass()) === 0) await idle(cursor);
      } catch (err) {
        if (!running) return;
        deps.log.warn({ err }, 'engine loop: store unavailable, retrying');
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  };

  return {
    /** Steps one execution now (after this node delivered a result to it), without waiting for a wake-up. */
    stepNow(arn: string): void {
      if (!running) return;
      stepOne(arn).catch((err: unknown) =>
        deps.log.warn({ err, executionArn: arn }, 'immediate step failed; the loop will retry'),
      );
    },
    start() {
      if (running) return;
      running = true;
      stopped = run();
    },
    async stop() {
      running = false;
      abort.abort();
      await stopped;
    },
  };
}
