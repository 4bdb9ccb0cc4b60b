import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Pool } from '../store/db.js';
import type { StepObserver } from './apply.js';

/**
 * The runtime's Prometheus metrics: executions started and finished by
 * status, state transitions, task latency, lease takeovers, and the depth of
 * the work queues (read from the store at scrape time).
 */
export function createExecutionMetrics(registry: Registry, pool: Pool) {
  const registers = [registry];
  const started = new Counter({
    name: 'dbplane_executions_started_total',
    help: 'executions started',
    registers,
  });
  const finished = new Counter({
    name: 'dbplane_executions_finished_total',
    help: 'executions finished, by status',
    labelNames: ['status'],
    registers,
  });
  const transitions = new Counter({
    name: 'dbplane_state_transitions_total',
    help: 'states entered',
    registers,
  });
  const taskSeconds = new Histogram({
    name: 'dbplane_task_duration_seconds',
    help: 'task invocation time, by outcome',
    labelNames: ['outcome'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120],
    registers,
  });
  const takeovers = new Counter({
    name: 'dbplane_task_lease_takeovers_total',
    help: 'tasks claimed again after another worker lost its lease',
    registers,
  });
  new Gauge({
    name: 'dbplane_work_queue_depth',
    help: 'rows waiting in the runtime queues (tasks pending, inbox due, activity tasks)',
    labelNames: ['queue'],
    registers,
    async collect() {
      const r = await pool.query<{ tasks: string; inbox: string; activity: string }>(
        `SELECT (SELECT count(*) FROM execution_tasks WHERE status = 'pending') AS tasks,
                (SELECT count(*) FROM execution_inbox WHERE due_at <= now()) AS inbox,
                (SELECT count(*) FROM execution_tasks WHERE status = 'activity') AS activity`,
      );
      const row = r.rows[0];
      this.set({ queue: 'tasks' }, Number(row?.tasks ?? 0));
      this.set({ queue: 'inbox' }, Number(row?.inbox ?? 0));
      this.set({ queue: 'activity' }, Number(row?.activity ?? 0));
    },
  });
  const observer: StepObserver = {
    onApplied(result, applied) {
      let entered = 0;
      for (const e of result.events) {
        if (e.type.endsWith('StateEntered')) entered += 1;
        else if (e.type === 'ExecutionStarted') started.inc();
      }
      transitions.inc(entered);
      if (applied.final !== undefined) finished.inc({ status: applied.final.status });
    },
  };
  return {
    observer,
    task(outcome: string, seconds: number, attempts: number) {
      taskSeconds.observe({ outcome }, seconds);
      if (attempts > 1) takeovers.inc();
    },
  };
}

export type ExecutionMetrics = ReturnType<typeof createExecutionMetrics>;
