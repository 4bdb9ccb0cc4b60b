/**
 * The reducer: `step(machine, state, input, now)` advances an execution as
 * far as it can go without outside input and returns the new state, the
 * history events appended and the commands for the host.
 */
import { utf8Encode } from './bytes.js';
import type { StateMachine } from './compile.js';
import { StatesError } from './errors.js';
import { childFailed, childSucceeded, startFan } from './fan.js';
import { details, finishExecution } from './frames.js';
import { seedFrom } from './random.js';
import { DataDetails, emit, type Hooks, newRun, type Run } from './run-context.js';
import { drain, execute, finishResult, finishWait, raise, stateOf } from './states.js';
import { closeTask, taskEvent } from './tasks.js';
import { cancelTimer, startTimer } from './timers.js';
import type { EngineInput, ExecutionState, Frame, StartContext, StepResult } from './types.js';

/**
 * Advances an execution by one input. Pure: the same arguments give the same result;
 * the given state is not modified.
 *
 * @example
 * let r = await step(machine, null, { type: 'start', input: {}, context }, Date.now());
 * // persist r.state, append r.events, carry out r.commands, then feed results back:
 * r = await step(machine, r.state, { type: 'taskSucceeded', taskId, output }, Date.now());
 */
export async function step(
  machine: StateMachine,
  state: ExecutionState | null,
  input: EngineInput,
  now: number,
): Promise<StepResult> {
  if (input.type === 'start') return start(machine, input.input, input.context, now, input.seed);
  if (!state) throw new Error('step needs the execution state for every input but start');
  const run = newRun(HOOKS, machine, JSON.parse(JSON.stringify(state)) as ExecutionState, now);
  if (run.state.status === 'RUNNING') {
    await apply(run, input);
    await drain(run);
  }
  return { state: run.state, events: run.events, commands: run.commands };
}

/**
 * Redrives a failed, timed-out or aborted execution from the state where its
 * root stopped (a Parallel or Map is re-run whole); undefined when it cannot.
 *
 * @example
 * const r = await redrive(machine, failed.state, Date.now());
 */
export async function redrive(
  machine: StateMachine,
  state: ExecutionState,
  now: number,
): Promise<StepResult | undefined> {
  const point = state.redrivePoint;
  if (state.status === 'RUNNING' || state.status === 'SUCCEEDED' || !point) return undefined;
  const s = JSON.parse(JSON.stringify(state)) as ExecutionState;
  const redriveCount = (s.context.redriveCount ?? 0) + 1;
  s.context = { ...s.context, redriveCount };
  s.status = 'RUNNING';
  delete s.redrivePoint;
  delete s.error;
  delete s.cause;
  const run = newRun(HOOKS, machine, s, now);
  const root = rootFrame(point.state, point.input, now);
  root.vars = point.vars;
  root.lastEventId = s.eventId;
  s.frames.root = root;
  emit(run, root, 'ExecutionRedriven', 'executionRedrivenEventDetails', { redriveCount });
  if (machine.timeoutSeconds !== null)
    startTimer(run, null, now + machine.timeoutSeconds * 1000, 'executionTimeout');
  run.queue.push(root);
  run.queueStates.push(null);
  await drain(run);
  return { state: run.state, events: run.events, commands: run.commands };
}

function rootFrame(state: string, input: unknown, now: number): Frame {
  return {
    id: 'root',
    parent: null,
    machine: '',
    index: 0,
    state,
    input,
    enteredAt: now,
    enteredEventId: 0,
    attempts: [],
    retryCount: 0,
    vars: {},
    lastEventId: 0,
    item: null,
    waiting: null,
  };
}

/** Starts an execution: `ExecutionStarted`, then runs until it must wait. */
export async function start(
  machine: StateMachine,
  input: unknown,
  context: StartContext,
  now: number,
  seed?: number,
): Promise<StepResult> {
  const state: ExecutionState = {
    version: 1,
    status: 'RUNNING',
    context,
    input,
    eventId: 0,
    seq: 0,
    seed: seed ?? seedFrom(context.executionArn),
    frames: {},
    tasks: {},
    timers: {},
  };
  const run = newRun(HOOKS, machine, state, now);
  const root = rootFrame(machine.root.startAt, input, now);
  state.frames.root = root;
  emit(
    run,
    root,
    'ExecutionStarted',
    'executionStartedEventDetails',
    new DataDetails('input', input, undefined, {
      roleArn: context.roleArn ?? null,
      stateMachineArn: context.stateMachineArn,
    }),
  );
  if (machine.timeoutSeconds !== null)
    startTimer(run, null, now + machine.timeoutSeconds * 1000, 'executionTimeout');
  run.queue.push(root);
  run.queueStates.push(null);
  await drain(run);
  return { state: run.state, events: run.events, commands: run.commands };
}

const HOOKS: Hooks = { startFan, childSucceeded, childFailed, finishResult, raise };

/** The payload quota of Step Functions: 256 KiB of UTF-8. */
const MAX_PAYLOAD = 262_144;

function tooLarge(value: unknown): boolean {
  const text = JSON.stringify(value ?? null);
  if (text.length <= MAX_PAYLOAD / 4) return false;
  return utf8Encode(text).length > MAX_PAYLOAD;
}

function taskFrame(run: Run, taskId: string): Frame | undefined {
  const id = run.state.tasks[taskId];
  const frame = id ? run.state.frames[id] : undefined;
  return frame?.waiting?.k === 'task' && frame.waiting.taskId === taskId ? frame : undefined;
}

async function apply(run: Run, input: Exclude<EngineInput, { type: 'start' }>): Promise<void> {
  switch (input.type) {
    case 'taskSucceeded':
    case 'taskFailed': {
      const frame = taskFrame(run, input.taskId);
      if (!frame) return;
      const cs = stateOf(run, frame);
      closeTask(run, frame);
      if (input.type === 'taskFailed') {
        taskEvent(run, frame, cs, 'Failed', details(input.error, input.cause));
        return raise(run, frame, cs, input.error, input.cause);
      }
      if (tooLarge(input.output)) {
        const cause = `The state/task '${cs.task?.resource}' returned a result with a size exceeding the maximum number of bytes service limit.`;
        taskEvent(run, frame, cs, 'Failed', details(StatesError.DataLimitExceeded, cause));
        return raise(run, frame, cs, StatesError.DataLimitExceeded, cause);
      }
      taskEvent(run, frame, cs, 'Succeeded', input.output);
      return finishResult(run, frame, cs, input.output);
    }
    case 'taskHeartbeat':
      return heartbeat(run, input.taskId);
    case 'timerFired':
      return timerFired(run, input.timerId);
    case 'stop':
      emit(run, null, 'ExecutionAborted', 'executionAbortedEventDetails', details(input.error, input.cause));
      return finishExecution(run, 'ABORTED', { error: input.error, cause: input.cause });
  }
}

function heartbeat(run: Run, taskId: string): void {
  const frame = taskFrame(run, taskId);
  if (frame?.waiting?.k !== 'task') return;
  const w = frame.waiting;
  const old = w.timers.find((id) => run.state.timers[id]?.purpose === 'heartbeat');
  if (!old || w.heartbeat === null) return;
  cancelTimer(run, old);
  w.timers = w.timers.filter((id) => id !== old);
  w.timers.push(startTimer(run, frame, run.now + w.heartbeat * 1000, 'heartbeat', taskId));
}

async function timerFired(run: Run, timerId: string): Promise<void> {
  const t = run.state.timers[timerId];
  if (!t) return;
  delete run.state.timers[timerId];
  if (t.purpose === 'executionTimeout') {
    const cause = `The execution timed out after ${run.machine.timeoutSeconds} seconds.`;
    emit(run, null, 'ExecutionTimedOut', 'executionTimedOutEventDetails', {
      error: StatesError.Timeout,
      cause,
    });
    return finishExecution(run, 'TIMED_OUT', { error: StatesError.Timeout, cause });
  }
  const frame = run.state.frames[t.frame];
  if (!frame) return;
  const cs = stateOf(run, frame);
  if (t.purpose === 'wait') return finishWait(run, frame, cs);
  if (t.purpose === 'retry') {
    frame.waiting = null;
    return execute(run, frame, cs);
  }
  const error = t.purpose === 'heartbeat' ? StatesError.HeartbeatTimeout : StatesError.Timeout;
  const cause =
    t.purpose === 'heartbeat' ? 'The task did not send a heartbeat in time.' : 'The task timed out.';
  closeTask(run, frame);
  taskEvent(run, frame, cs, 'TimedOut', { error, cause });
  return raise(run, frame, cs, error, cause);
}
