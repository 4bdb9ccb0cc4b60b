/**
 * What each state type does when it runs, and how a state is left: with an
 * output (to `Next` or the end of its frame) or with an error (Retry, Catch,
 * or the frame fails).
 */
import type { CState } from './compile.js';
import { applyResultPath, assignments, effectiveInputJp, evalJa, outputJp, readDyn } from './dataflow.js';
import { AslError, messageOf, StatesError } from './errors.js';
import { frameFailed, frameSucceeded } from './frames.js';
import { envOf, type Run, StateEvent, stateOf } from './run-context.js';
import { scheduleTask } from './tasks.js';
import { startTimer } from './timers.js';
import type { Frame } from './types.js';

/** Work that may have to wait for JSONata (which is asynchronous). */
export type Step = void | Promise<void>;

/** Runs queued frames until none can move without outside input. */
export async function drain(run: Run): Promise<void> {
  for (;;) {
    for (let i = 0; i < run.queue.length; i++) {
      const frame = run.queue[i] as Frame;
      if (run.state.status !== 'RUNNING' || run.state.frames[frame.id] !== frame) continue;
      const r = enter(run, frame, run.queueStates[i]);
      if (r instanceof Promise) await r;
    }
    run.queue.length = 0;
    run.queueStates.length = 0;
    if (run.pending.length === 0) return;
    await Promise.all(run.pending.splice(0));
  }
}

/** Enters `frame.state` with `frame.input`. */
export function enter(run: Run, frame: Frame, known?: CState | null): Step {
  const cs = known ?? stateOf(run, frame);
  frame.enteredAt = run.now;
  frame.retryCount = 0;
  if (frame.attempts.length > 0) frame.attempts = [];
  frame.enteredEventId = new StateEvent(run, frame, cs.enteredEvent, true, cs.name, frame.input).id;
  return execute(run, frame, cs);
}

function dispatch(run: Run, frame: Frame, cs: CState): Step {
  switch (cs.type) {
    case 'Pass':
      return pass(run, frame, cs);
    case 'Choice':
      return choice(run, frame, cs);
    case 'Wait':
      return wait(run, frame, cs);
    case 'Succeed':
      return succeed(run, frame, cs);
    case 'Fail':
      return fail(run, frame, cs);
    case 'Task':
      return scheduleTask(run, frame, cs);
    default:
      return run.hooks.startFan(run, frame, cs);
  }
}

/** Runs a state's work (again, on retry); ASL errors go to Retry/Catch. */
export function execute(run: Run, frame: Frame, cs: CState): Step {
  try {
    const r = dispatch(run, frame, cs);
    return r instanceof Promise ? r.catch((e: unknown) => onError(run, frame, cs, e)) : undefined;
  } catch (e) {
    return onError(run, frame, cs, e);
  }
}

function onError(run: Run, frame: Frame, cs: CState, e: unknown): Promise<void> {
  if (!(e instanceof AslError)) throw e;
  const cause =
    e.error === StatesError.Runtime
      ? `An error occurred while executing the state '${cs.name}' (entered at the event id #${frame.enteredEventId}). ${e.message}`
      : e.message;
  return raise(run, frame, cs, e.error, cause);
}

function pass(run: Run, frame: Frame, cs: CState): Step {
  if (cs.plain) {
    leave(run, frame, cs, frame.input, null);
    return;
  }
  if (cs.ql === 'JSONata') return passJa(run, frame, cs);
  const env = envOf(run, frame);
  const result = cs.result ? cs.result.v : effectiveInputJp(cs, frame.input, env);
  const vars = cs.assign?.k === 'jp' ? (cs.assign.t(result, env) as Record<string, unknown>) : null;
  leave(run, frame, cs, outputJp(cs, frame.input, result, env, false), vars);
}

async function passJa(run: Run, frame: Frame, cs: CState): Promise<void> {
  const env = envOf(run, frame);
  const states = { input: frame.input };
  const vars = await assignments(cs.assign, frame.input, env, states);
  const out = cs.output ? await evalJa(cs.output, env, states, 'Output') : frame.input;
  leave(run, frame, cs, out, vars);
}

function choice(run: Run, frame: Frame, cs: CState): Step {
  if (cs.ql === 'JSONata') return choiceJa(run, frame, cs);
  const env = envOf(run, frame);
  const input =
    cs.inputPath === undefined
      ? frame.input
      : effectiveInputJp({ ...cs, parameters: null }, frame.input, env);
  let next = cs.defaultNext;
  let assign = cs.assign;
  for (const c of cs.choices) {
    if (c.test.k === 'jp' && c.test.p(input, env)) {
      next = c.next;
      assign = c.assign ?? cs.assign;
      break;
    }
  }
  if (next === null) throw noChoice(cs);
  const vars = assign?.k === 'jp' ? (assign.t(input, env) as Record<string, unknown>) : null;
  const out = cs.outputPath === undefined ? input : outputJp(cs, input, input, env, false);
  leave(run, frame, cs, out, vars, next);
}

function noChoice(cs: CState): AslError {
  return new AslError(
    StatesError.Runtime,
    `No Choice Rules matched and there is no Default in the Choice state '${cs.name}'.`,
  );
}

async function choiceJa(run: Run, frame: Frame, cs: CState): Promise<void> {
  const env = envOf(run, frame);
  const states = { input: frame.input };
  for (const c of cs.choices) {
    if (c.test.k !== 'ja' || (await evalJa(c.test.t, env, states, 'Condition')) !== true) continue;
    const vars = await assignments(c.assign ?? cs.assign, frame.input, env, states);
    const out = c.output ? await evalJa(c.output, env, states, 'Output') : frame.input;
    leave(run, frame, cs, out, vars, c.next);
    return;
  }
  if (cs.defaultNext === null) throw noChoice(cs);
  const vars = await assignments(cs.assign, frame.input, env, states);
  const out = cs.output ? await evalJa(cs.output, env, states, 'Output') : frame.input;
  leave(run, frame, cs, out, vars, cs.defaultNext);
}

async function wait(run: Run, frame: Frame, cs: CState): Promise<void> {
  const env = envOf(run, frame);
  const input =
    cs.ql === 'JSONPath' ? effectiveInputJp({ ...cs, parameters: null }, frame.input, env) : frame.input;
  let due = run.now;
  if (cs.wait?.seconds) {
    const s = await readDyn(cs.wait.seconds, input, env, 'Seconds');
    if (typeof s !== 'number' || !Number.isInteger(s) || s < 0) {
      throw new AslError(
        StatesError.Runtime,
        `The value of the field 'Seconds' must be a non-negative integer: ${JSON.stringify(s)}`,
      );
    }
    due = run.now + s * 1000;
  } else if (cs.wait?.timestamp) {
    const t = await readDyn(cs.wait.timestamp, input, env, 'Timestamp');
    const ms = typeof t === 'string' ? Date.parse(t) : Number.NaN;
    if (Number.isNaN(ms))
      throw new AslError(
        StatesError.Runtime,
        `The value of the field 'Timestamp' is not a valid timestamp: ${JSON.stringify(t)}`,
      );
    due = ms;
  }
  if (due <= run.now) return finishWait(run, frame, cs);
  frame.waiting = { k: 'timer', timerId: startTimer(run, frame, due, 'wait'), purpose: 'wait' };
}

/** Leaves a Wait state once its time has come. */
export async function finishWait(run: Run, frame: Frame, cs: CState): Promise<void> {
  const env = envOf(run, frame);
  if (cs.ql === 'JSONata') {
    const states = { input: frame.input };
    const vars = await assignments(cs.assign, frame.input, env, states);
    leave(run, frame, cs, cs.output ? await evalJa(cs.output, env, states, 'Output') : frame.input, vars);
    return;
  }
  const input = effectiveInputJp({ ...cs, parameters: null }, frame.input, env);
  const vars = await assignments(cs.assign, input, env, {});
  leave(run, frame, cs, outputJp(cs, input, input, env, false), vars);
  return;
}

function succeed(run: Run, frame: Frame, cs: CState): Step {
  if (cs.ql === 'JSONata') return succeedJa(run, frame, cs);
  const env = envOf(run, frame);
  const input = effectiveInputJp({ ...cs, parameters: null }, frame.input, env);
  leave(run, frame, cs, outputJp(cs, frame.input, input, env, false), null, null);
}

async function succeedJa(run: Run, frame: Frame, cs: CState): Promise<void> {
  const env = envOf(run, frame);
  const out = cs.output ? await evalJa(cs.output, env, { input: frame.input }, 'Output') : frame.input;
  leave(run, frame, cs, out, null, null);
}

async function fail(run: Run, frame: Frame, cs: CState): Promise<void> {
  const env = envOf(run, frame);
  const error = cs.fail?.error ? String(await readDyn(cs.fail.error, frame.input, env, 'Error')) : undefined;
  const cause = cs.fail?.cause ? String(await readDyn(cs.fail.cause, frame.input, env, 'Cause')) : undefined;
  frameFailed(run, frame, error, cause);
}

/** Emits the state's exit event, applies variables and moves on (to `next`, by default the state's Next). */
export function leave(
  run: Run,
  frame: Frame,
  cs: CState,
  output: unknown,
  vars: Record<string, unknown> | null,
  next: string | null = cs.next,
): void {
  if (vars) frame.vars = { ...frame.vars, ...vars };
  new StateEvent(run, frame, cs.exitedEvent, false, cs.name, output);
  frame.waiting = null;
  if (next === null) {
    frameSucceeded(run, frame, output);
    return;
  }
  frame.state = next;
  frame.input = output;
  run.queue.push(frame);
  run.queueStates.push(next === cs.next ? cs.nextState : null);
}

/** Handles a state's result (Task, Parallel, Map): output processing, then leave. */
export function finishResult(run: Run, frame: Frame, cs: CState, result: unknown): Step {
  try {
    if (cs.ql === 'JSONata')
      return finishResultJa(run, frame, cs, result).catch((e) => onError(run, frame, cs, e));
    const env = envOf(run, frame);
    const selected = cs.resultSelector ? cs.resultSelector(result, env) : result;
    const vars = cs.assign?.k === 'jp' ? (cs.assign.t(result, env) as Record<string, unknown>) : null;
    leave(run, frame, cs, outputJp(cs, frame.input, selected, env, false), vars);
  } catch (e) {
    return onError(run, frame, cs, e);
  }
}

async function finishResultJa(run: Run, frame: Frame, cs: CState, result: unknown): Promise<void> {
  const env = envOf(run, frame);
  const states = { input: frame.input, result };
  const vars = await assignments(cs.assign, result, env, states);
  leave(run, frame, cs, cs.output ? await evalJa(cs.output, env, states, 'Output') : result, vars);
}

function matches(errors: string[], error: string): boolean {
  if (errors.includes(error)) return true;
  return (
    errors.includes(StatesError.ALL) &&
    error !== StatesError.Runtime &&
    error !== StatesError.DataLimitExceeded
  );
}

/** An error in a state: retry it, catch it, or fail the frame. */
export async function raise(run: Run, frame: Frame, cs: CState, error: string, cause: string): Promise<void> {
  const ri = cs.retry.findIndex((r) => matches(r.errors, error));
  const r = cs.retry[ri];
  if (r) {
    const attempt = frame.attempts[ri] ?? 0;
    if (attempt < r.maxAttempts) {
      frame.attempts[ri] = attempt + 1;
      frame.retryCount++;
      let delay = r.interval * r.backoff ** attempt;
      if (r.maxDelay !== null) delay = Math.min(delay, r.maxDelay);
      if (r.jitter === 'FULL') delay = run.random.next() * delay;
      frame.waiting = {
        k: 'timer',
        timerId: startTimer(run, frame, run.now + Math.round(delay * 1000), 'retry'),
        purpose: 'retry',
      };
      return;
    }
  }
  const c = cs.catch.find((x) => matches(x.errors, error));
  if (!c) {
    frameFailed(run, frame, error, cause);
    return;
  }
  const errorOutput = { Error: error, Cause: cause };
  try {
    const env = envOf(run, frame);
    const states = { input: frame.input, errorOutput };
    const vars = await assignments(c.assign, errorOutput, env, states);
    const out =
      cs.ql === 'JSONata'
        ? c.output
          ? await evalJa(c.output, env, states, 'Output')
          : errorOutput
        : applyResultPath(c.resultPath, frame.input, errorOutput);
    leave(run, frame, cs, out, vars, c.next);
  } catch (e) {
    if (!(e instanceof AslError)) throw e;
    frameFailed(run, frame, e.error, messageOf(e));
  }
}

export { stateOf };
