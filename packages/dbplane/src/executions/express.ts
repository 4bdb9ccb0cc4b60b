import { DbplaneError, ErrorCode } from '../errors/index.js';
import type {
  Engine,
  EngineInput,
  FinalStatus,
  HistoryEvent,
  StartContext,
  StepResult,
} from './engine-types.js';
import type { TaskOutcome, TaskRegistry } from './registry.js';

/** Express executions may run five minutes at most, as on AWS. */
export const EXPRESS_LIMIT_MS = 5 * 60_000;

export interface ExpressResult {
  status: FinalStatus;
  output?: unknown;
  error?: string;
  cause?: string;
  history: HistoryEvent[];
}

/**
 * Runs an EXPRESS execution in memory, in real time: the same engine and
 * task registry as durable executions, but nothing is stored, so a node that
 * dies loses it (as AWS Express workflows are at-most-once for sync calls).
 * Callback patterns (`.sync`, `.waitForTaskToken`) are refused, as AWS does.
 */
export async function runExpress<M>(
  p: {
    engine: Engine<M>;
    machine: M;
    registry: TaskRegistry;
    input: unknown;
    context: StartContext;
    accountId: string;
  },
  limitMs = EXPRESS_LIMIT_MS,
): Promise<ExpressResult> {
  const history: HistoryEvent[] = [];
  const inbox: EngineInput[] = [];
  const timers = new Map<string, NodeJS.Timeout>();
  const abort = new AbortController();
  let wake: (() => void) | undefined;
  const push = (input: EngineInput) => {
    inbox.push(input);
    wake?.();
  };
  const deadline = setTimeout(
    () => push({ type: 'stop', error: 'States.Timeout', cause: 'express executions may run 5 minutes' }),
    limitMs,
  );
  let timedOut = false;
  try {
    let result: StepResult = await p.engine.start(p.machine, p.input, p.context, Date.now());
    let state = result.state;
    for (;;) {
      history.push(...result.events);
      for (const c of result.commands) {
        if (c.type === 'complete') return finish(c, history, timedOut);
        if (c.type === 'startTimer')
          timers.set(
            c.timerId,
            setTimeout(
              () => push({ type: 'timerFired', timerId: c.timerId }),
              Math.max(0, c.dueAt - Date.now()),
            ),
          );
        else if (c.type === 'cancelTimer') clearTimeout(timers.get(c.timerId));
        else void invoke(p, c, abort.signal).then((o) => push(toInput(c.taskId, o)));
      }
      while (inbox.length === 0) await new Promise<void>((r) => (wake = r));
      const next = inbox.shift() as EngineInput;
      if (next.type === 'stop' && next.error === 'States.Timeout') timedOut = true;
      result = await p.engine.step(p.machine, state, next, Date.now());
      state = result.state;
    }
  } finally {
    clearTimeout(deadline);
    for (const t of timers.values()) clearTimeout(t);
    abort.abort();
  }
}

async function invoke(
  p: { registry: TaskRegistry; accountId: string; context: StartContext },
  c: Extract<import('./engine-types.js').EngineCommand, { type: 'invokeTask' }>,
  signal: AbortSignal,
): Promise<TaskOutcome> {
  if (c.pattern !== 'requestResponse') {
    return {
      type: 'failed',
      error: 'States.Runtime',
      cause: `EXPRESS state machines do not support the ${c.pattern} pattern (${c.resource})`,
    };
  }
  const handler = p.registry.resolve(c.resource);
  if (handler === undefined)
    return { type: 'failed', error: 'States.Runtime', cause: `no integration serves resource ${c.resource}` };
  try {
    return await handler({ ...c, accountId: p.accountId, executionArn: p.context.executionArn, signal });
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    return { type: 'failed', error: e.name === 'Error' ? 'States.TaskFailed' : e.name, cause: e.message };
  }
}

function toInput(taskId: string, o: TaskOutcome): EngineInput {
  if (o.type === 'succeeded') return { type: 'taskSucceeded', taskId, output: o.output };
  if (o.type === 'failed') return { type: 'taskFailed', taskId, error: o.error, cause: o.cause };
  return {
    type: 'taskFailed',
    taskId,
    error: 'States.Runtime',
    cause: 'callbacks are not supported by EXPRESS state machines',
  };
}

function finish(
  c: { status: FinalStatus; output?: unknown; error?: string; cause?: string },
  history: HistoryEvent[],
  timedOut: boolean,
): ExpressResult {
  const r: ExpressResult = { status: timedOut && c.status === 'ABORTED' ? 'TIMED_OUT' : c.status, history };
  if (c.output !== undefined) r.output = c.output;
  if (c.error !== undefined) r.error = c.error;
  if (c.cause !== undefined) r.cause = c.cause;
  return r;
}

export function notExpress(name: string): DbplaneError {
  return new DbplaneError(
    ErrorCode.StateMachineTypeNotSupported,
    `state machine "${name}" is STANDARD; StartSyncExecution needs an EXPRESS state machine`,
  );
}
