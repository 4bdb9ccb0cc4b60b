import { hostname } from 'node:os';
import type { Registry } from 'prom-client';
import type { Logger } from '../log/logger.js';
import type { StateMachinesService } from '../states/service.js';
import type { Pool } from '../store/db.js';
import type { Notifier } from '../store/notifier.js';
import { createActivitiesService } from './activities.js';
import type { JournalEntry, StatusListener, StepObserver } from './apply.js';
import { createDefinitionCache } from './definitions.js';
import { createEngineLoop } from './engine-loop.js';
import type { Engine } from './engine-types.js';
import { createHttpTask } from './http-task.js';
import { createExecutionMetrics } from './metrics.js';
import { createTaskRegistry } from './registry.js';
import { createExecutionsService } from './service.js';
import { createSweeper } from './sweeper.js';
import { createTaskWorker } from './task-worker.js';

export interface RuntimeDeps<M> {
  pool: Pool;
  region: string;
  notifier: Notifier;
  machines: StateMachinesService;
  engine: Engine<M>;
  httpTaskAllowedHosts: readonly string[];
  taskLeaseMs?: number;
  metrics: Registry;
  retention?: { logDays: number; executionDays: number };
}

/**
 * The durable execution runtime of a node: the task registry, the executions
 * and activities services, and the two workers (engine loop, task worker),
 * started and stopped with the node.
 */
export function createRuntime<M>(deps: RuntimeDeps<M>) {
  const registry = createTaskRegistry();
  registry.register(
    'arn:aws:states:::http:invoke',
    createHttpTask({ allowedHosts: deps.httpTaskAllowedHosts }),
  );
  const definitions = createDefinitionCache(deps.engine);
  const listeners: StatusListener[] = [];
  const recorders: ((arn: string, entry: JournalEntry) => void)[] = [];
  const metrics = createExecutionMetrics(deps.metrics, deps.pool);
  const observer: StepObserver = {
    onStatus: async (tx, change) => {
      for (const listener of listeners) await listener(tx, change);
    },
    onApplied: metrics.observer.onApplied,
    onInput: (arn, entry) => {
      for (const recorder of recorders) recorder(arn, entry);
    },
  };
  const executions = createExecutionsService({ ...deps, definitions, observer, registry });
  const activities = createActivitiesService(deps);
  const owner = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  let workers: { stop(): Promise<void> }[] = [];
  return {
    registry,
    executions,
    /** Adds a listener called in the transaction of every execution status change. */
    onStatusChange(listener: StatusListener) {
      listeners.push(listener);
    },
    /** Adds a recorder of every engine input (recording histories for replay tests). */
    onEngineInput(recorder: (arn: string, entry: JournalEntry) => void) {
      recorders.push(recorder);
    },
    activities,
    startWorkers(log: Logger) {
      const loop = createEngineLoop({ ...deps, definitions, log, observer });
      const tasks = createTaskWorker({
        ...deps,
        metrics,
        registry,
        onDelivered: (arn) => loop.stepNow(arn),
        log,
        owner,
        ...(deps.taskLeaseMs === undefined ? {} : { leaseMs: deps.taskLeaseMs }),
      });
      const sweeper = createSweeper({
        pool: deps.pool,
        log,
        retention: deps.retention ?? { logDays: 14, executionDays: 90 },
      });
      loop.start();
      tasks.start();
      observer.localTasks = tasks.local;
      workers = [loop, tasks, sweeper];
    },
    async stopWorkers() {
      observer.localTasks = undefined;
      await Promise.all(workers.map((w) => w.stop()));
      workers = [];
    },
  };
}

export type Runtime = ReturnType<typeof createRuntime>;
