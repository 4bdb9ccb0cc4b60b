/**
 * An in-memory runner over the reducer: calls resource handlers, keeps timers
 * on a virtual clock (instant by default) and collects the history.
 */
import type { StateMachine } from './compile.js';
import { step } from './engine.js';
import { messageOf } from './errors.js';
import type {
  EngineCommand,
  EngineInput,
  FinalStatus,
  HistoryEvent,
  StartContext,
  StepResult,
} from './types.js';

/** What a resource handler receives besides its input. */
export interface TaskContext {
  taskId: string;
  stateName: string;
  resource: string;
  taskToken: string | null;
  idempotencyToken: string;
}

/** A Task resource implementation; throw an Error whose `name` is the ASL error. */
export type ResourceHandler = (input: unknown, ctx: TaskContext) => unknown;

/** Options of `runExecution`. */
export interface RunOptions {
  resources?: Record<string, ResourceHandler>;
  name?: string;
  context?: Partial<StartContext>;
  /** The start time (epoch ms); the virtual clock advances from it. */
  clock?: { now(): number };
  /** Seed for `States.UUID`, `States.MathRandom` and jitter. */
  random?: { seed: number };
  /** Really wait for Wait states and retry intervals. */
  realTime?: boolean;
}

/** How a run ended. */
export interface RunResult {
  status: FinalStatus;
  output?: unknown;
  error?: string;
  cause?: string;
  history: HistoryEvent[];
}

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';

function findHandler(resources: Record<string, ResourceHandler>, resource: string, input: unknown) {
  const exact = resources[resource];
  if (exact) return { handler: exact, input };
  const base = resource.replace(/\.(sync(:\d+)?|waitForTaskToken)$/, '');
  if (base === LAMBDA_INVOKE && input !== null && typeof input === 'object') {
    const fn = (input as Record<string, unknown>).FunctionName;
    const byName = typeof fn === 'string' ? resources[fn] : undefined;
    if (byName) return { handler: byName, input: (input as Record<string, unknown>).Payload ?? {} };
  }
  const key = Object.keys(resources).find((k) => resource.startsWith(k));
  return key ? { handler: resources[key] as ResourceHandler, input } : null;
}

function lambdaShape(payload: unknown): unknown {
  return {
    ExecutedVersion: '$LATEST',
    Payload: payload,
    SdkHttpMetadata: { HttpHeaders: {}, HttpStatusCode: 200 },
    SdkResponseMetadata: { RequestId: '00000000-0000-0000-0000-000000000000' },
    StatusCode: 200,
  };
}

async function invoke(
  cmd: Extract<EngineCommand, { type: 'invokeTask' }>,
  resources: Record<string, ResourceHandler>,
): Promise<EngineInput> {
  const found = findHandler(resources, cmd.resource, cmd.input);
  if (!found)
    return {
      type: 'taskFailed',
      taskId: cmd.taskId,
      error: 'States.TaskFailed',
      cause: `No handler for resource ${cmd.resource}`,
    };
  const isLambda = cmd.resource.startsWith(LAMBDA_INVOKE) || /^arn:aws:lambda:/.test(cmd.resource);
  try {
    const out = await found.handler(found.input, {
      taskId: cmd.taskId,
      stateName: cmd.stateName,
      resource: cmd.resource,
      taskToken: cmd.taskToken,
      idempotencyToken: cmd.idempotencyToken,
    });
    const isInvoke = cmd.resource === LAMBDA_INVOKE;
    return {
      type: 'taskSucceeded',
      taskId: cmd.taskId,
      output: isInvoke ? lambdaShape(out) : out === undefined ? null : out,
    };
  } catch (e) {
    const error = e instanceof Error ? e.name : 'Error';
    const message = messageOf(e);
    const cause = isLambda
      ? JSON.stringify({ errorMessage: message, errorType: error, stackTrace: [] })
      : message;
    return { type: 'taskFailed', taskId: cmd.taskId, error, cause };
  }
}

/**
 * Runs an execution to its end in memory.
 *
 * @example
 * const r = await runExecution(machine, { n: 1 }, { resources: { 'arn:x': async (i) => i } });
 * r.status; // 'SUCCEEDED'
 */
export async function runExecution(
  machine: StateMachine,
  input: unknown,
  options: RunOptions = {},
): Promise<RunResult> {
  const resources = options.resources ?? {};
  let now = options.clock ? options.clock.now() : Date.now();
  const name = options.name ?? 'execution';
  const smName = options.context?.stateMachineName ?? 'StateMachine';
  const context: StartContext = {
    executionArn: `arn:aws:states:us-east-1:123456789012:execution:${smName}:${name}`,
    executionName: name,
    startTime: now,
    stateMachineArn: `arn:aws:states:us-east-1:123456789012:stateMachine:${smName}`,
    stateMachineName: smName,
    roleArn: null,
    ...options.context,
  };
  const history: HistoryEvent[] = [];
  const timers = new Map<string, number>();
  const tasks: Promise<EngineInput>[] = [];
  let r: StepResult = await step(
    machine,
    null,
    { type: 'start', input, context, ...(options.random ? { seed: options.random.seed } : {}) },
    now,
  );
  for (;;) {
    for (const e of r.events) history.push(e);
    for (const c of r.commands) {
      if (c.type === 'complete') return { status: c.status, ...pick(c), history };
      if (c.type === 'startTimer') timers.set(c.timerId, c.dueAt);
      else if (c.type === 'cancelTimer') timers.delete(c.timerId);
      else tasks.push(invoke(c, resources));
    }
    let next: EngineInput;
    if (tasks.length > 0) next = await (tasks.shift() as Promise<EngineInput>);
    else {
      const due = [...timers.entries()].sort((a, b) => a[1] - b[1])[0];
      if (!due) throw new Error('the execution is stuck: no task and no timer pending');
      timers.delete(due[0]);
      if (options.realTime && due[1] > now) await sleep(due[1] - now);
      now = Math.max(now, due[1]);
      next = { type: 'timerFired', timerId: due[0] };
    }
    r = await step(machine, r.state, next, now);
  }
}

function pick(c: { output?: unknown; error?: string; cause?: string }): Partial<RunResult> {
  const out: Partial<RunResult> = {};
  if (c.output !== undefined) out.output = c.output;
  if (c.error !== undefined) out.error = c.error;
  if (c.cause !== undefined) out.cause = c.cause;
  return out;
}

function sleep(ms: number): Promise<void> {
  const g = globalThis as unknown as { setTimeout(fn: () => void, ms: number): unknown };
  return new Promise((resolve) => g.setTimeout(resolve, ms));
}
