/**
 * Task states: scheduling an invocation (with task token, timeout and
 * heartbeat timers) and handling its outcome.
 */
import type { CState } from './compile.js';
import { effectiveInputJp, evalJa, readDyn } from './dataflow.js';
import { AslError, StatesError } from './errors.js';
import { uuid } from './random.js';
import { DataDetails, emit, envOf, type Run } from './run-context.js';
import { cancelTimer, startTimer } from './timers.js';
import type { Frame } from './types.js';

/** The history event family a resource uses. */
export interface ResourceKind {
  prefix: 'Task' | 'LambdaFunction' | 'Activity';
  resourceType: string;
  resource: string;
}

/** Classifies a Task's Resource the way Step Functions history names it. */
export function resourceKind(arn: string): ResourceKind {
  const parts = arn.split(':');
  if (parts[2] === 'lambda' && parts[5] === 'function') {
    return { prefix: 'LambdaFunction', resourceType: 'lambda', resource: arn };
  }
  if (parts[2] === 'states' && parts[5] === 'activity')
    return { prefix: 'Activity', resourceType: 'activity', resource: arn };
  if (parts[2] === 'states' && parts[3] === '' && parts[4] === '') {
    return { prefix: 'Task', resourceType: parts[5] ?? '', resource: parts.slice(6).join(':') };
  }
  return { prefix: 'Task', resourceType: parts[2] ?? 'unknown', resource: arn };
}

async function limits(
  cs: CState,
  frame: Frame,
  run: Run,
): Promise<{ timeout: number | null; heartbeat: number | null }> {
  const env = envOf(run, frame);
  const t = cs.task;
  const timeout = t?.timeout ? await readDyn(t.timeout, frame.input, env, 'TimeoutSeconds') : null;
  const heartbeat = t?.heartbeat ? await readDyn(t.heartbeat, frame.input, env, 'HeartbeatSeconds') : null;
  for (const [n, v] of [
    ['TimeoutSeconds', timeout],
    ['HeartbeatSeconds', heartbeat],
  ] as const) {
    if (v !== null && (typeof v !== 'number' || !Number.isInteger(v) || v <= 0)) {
      throw new AslError(
        StatesError.Runtime,
        `The value of the field '${n}' must be a positive integer: ${JSON.stringify(v)}`,
      );
    }
  }
  return { timeout, heartbeat };
}

/** Schedules a Task state's invocation. */
export async function scheduleTask(run: Run, frame: Frame, cs: CState): Promise<void> {
  const t = cs.task;
  if (!t) throw new Error('not a task');
  const taskId = `task-${++run.state.seq}`;
  const token = t.pattern === 'waitForTaskToken' ? uuid(run.random) : null;
  const env = envOf(run, frame, token ? { Task: { Token: token } } : undefined);
  const input =
    cs.ql === 'JSONata'
      ? cs.args
        ? await evalJa(cs.args, env, { input: frame.input }, 'Arguments')
        : frame.input
      : effectiveInputJp(cs, frame.input, env);
  const { timeout, heartbeat } = await limits(cs, frame, run);
  const kind = resourceKind(t.resource);
  const scheduled: Record<string, unknown> =
    kind.prefix === 'Task'
      ? {
          resourceType: kind.resourceType,
          resource: kind.resource,
          region: regionOf(t.resource),
          parameters: JSON.stringify(input),
        }
      : { resource: t.resource, input: JSON.stringify(input), inputDetails: { truncated: false } };
  if (timeout !== null) scheduled.timeoutInSeconds = timeout;
  if (heartbeat !== null) scheduled.heartbeatInSeconds = heartbeat;
  emit(run, frame, `${kind.prefix}Scheduled`, `${lower(kind.prefix)}ScheduledEventDetails`, scheduled);
  emit(run, frame, `${kind.prefix}Started`, `${lower(kind.prefix)}StartedEventDetails`, startedDetails(kind));
  const timers: string[] = [];
  if (timeout !== null) timers.push(startTimer(run, frame, run.now + timeout * 1000, 'taskTimeout', taskId));
  if (heartbeat !== null)
    timers.push(startTimer(run, frame, run.now + heartbeat * 1000, 'heartbeat', taskId));
  run.state.tasks[taskId] = frame.id;
  frame.waiting = { k: 'task', taskId, effectiveInput: input, timers, heartbeat };
  run.commands.push({
    type: 'invokeTask',
    taskId,
    stateName: cs.name,
    resource: t.resource,
    input,
    idempotencyToken: `${run.state.context.executionArn}/${frame.id}/${cs.name}/${taskId}/${frame.retryCount}`,
    taskToken: token,
    pattern: t.pattern,
    timeoutSeconds: timeout,
    heartbeatSeconds: heartbeat,
  });
}

function startedDetails(kind: ResourceKind): Record<string, unknown> {
  if (kind.prefix === 'Task') return { resourceType: kind.resourceType, resource: kind.resource };
  return {};
}

function regionOf(arn: string): string {
  return arn.split(':')[3] || 'us-east-1';
}

/** `TaskScheduled` → `taskScheduledEventDetails`. */
export function lower(prefix: string): string {
  return prefix[0]?.toLowerCase() + prefix.slice(1);
}

/** Ends a task's bookkeeping: forgets it and cancels its timers. */
export function closeTask(run: Run, frame: Frame): void {
  const w = frame.waiting;
  if (w?.k !== 'task') return;
  delete run.state.tasks[w.taskId];
  for (const id of w.timers) cancelTimer(run, id);
  frame.waiting = null;
}

/** Emits a task's outcome event. */
export function taskEvent(
  run: Run,
  frame: Frame,
  cs: CState,
  suffix: 'Succeeded' | 'Failed' | 'TimedOut',
  data: unknown,
): void {
  const kind = resourceKind(cs.task?.resource ?? '');
  const base = kind.prefix === 'Task' ? { resourceType: kind.resourceType, resource: kind.resource } : {};
  const detailsObj =
    suffix === 'Succeeded'
      ? new DataDetails('output', data, undefined, base)
      : { ...base, ...(data as object) };
  emit(run, frame, `${kind.prefix}${suffix}`, `${lower(kind.prefix)}${suffix}EventDetails`, detailsObj);
}
