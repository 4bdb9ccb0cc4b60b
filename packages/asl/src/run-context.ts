/**
 * The mutable working set of one reducer step: the state being advanced, the
 * events and commands produced, and helpers to append them.
 */
import type { CState, StateMachine, SubMachine } from './compile.js';
import type { Env } from './env.js';
import { MISSING } from './json-path.js';
import { seeded } from './random.js';
import type { EngineCommand, ExecutionState, Frame, HistoryEvent } from './types.js';

/** Functions that call each other across modules, wired by the engine (no import cycles). */
export interface Hooks {
  startFan(run: Run, frame: Frame, cs: CState): Promise<void>;
  childSucceeded(run: Run, frame: Frame, output: unknown): void;
  childFailed(run: Run, frame: Frame, error: string | undefined, cause: string | undefined): void;
  finishResult(run: Run, frame: Frame, cs: CState, result: unknown): void | Promise<void>;
  raise(run: Run, frame: Frame, cs: CState, error: string, cause: string): Promise<void>;
}

/** One step's working set. */
export interface Run {
  hooks: Hooks;
  machine: StateMachine;
  state: ExecutionState;
  now: number;
  timestamp: string;
  events: HistoryEvent[];
  commands: EngineCommand[];
  queue: Frame[];
  /** The compiled state each queued frame enters, when known (saves lookups). */
  queueStates: (CState | null)[];
  /** Work started from synchronous code (a Parallel or Map that completed). */
  pending: Promise<void>[];
  random: ReturnType<typeof seeded>;
}

/** Creates the working set for one step. */
export function newRun(hooks: Hooks, machine: StateMachine, state: ExecutionState, now: number): Run {
  return {
    hooks,
    machine,
    state,
    now,
    timestamp: new Date(now).toISOString(),
    events: [],
    commands: [],
    queue: [],
    queueStates: [],
    pending: [],
    random: seeded(state),
  };
}

/** Appends a history event for a frame (or the execution when frame is null). */
export function emit(
  run: Run,
  frame: Frame | null,
  type: string,
  detailsKey?: string,
  details?: unknown,
): number {
  const id = ++run.state.eventId;
  const ev: HistoryEvent = {
    timestamp: run.timestamp,
    type,
    id,
    previousEventId: frame ? frame.lastEventId : id - 1,
  };
  if (detailsKey) ev[detailsKey] = details;
  run.events.push(ev);
  if (frame) frame.lastEventId = id;
  return id;
}

/**
 * Event details whose JSON text is made only when read or serialized, so that
 * building history stays cheap.
 */
export class DataDetails {
  readonly name: string | undefined;
  /** Which field holds the data. */
  readonly kind: 'input' | 'output';
  /** The data, serialized only on demand. */
  readonly data: unknown;
  readonly extra: Record<string, unknown> | undefined;
  constructor(kind: 'input' | 'output', data: unknown, name?: string, extra?: Record<string, unknown>) {
    this.kind = kind;
    this.data = data;
    this.name = name;
    this.extra = extra;
  }
  get input(): string | undefined {
    return this.kind === 'input' ? JSON.stringify(this.data) : undefined;
  }
  get output(): string | undefined {
    return this.kind === 'output' ? JSON.stringify(this.data) : undefined;
  }
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { ...this.extra };
    if (this.name !== undefined) out.name = this.name;
    out[this.kind] = JSON.stringify(this.data);
    out[`${this.kind}Details`] = { truncated: false };
    return out;
  }
}

/**
 * A `...StateEntered` or `...StateExited` event as one object: its details
 * (name and input or output text) are made only when read or serialized.
 */
export class StateEvent {
  readonly timestamp: string;
  readonly type: string;
  readonly id: number;
  readonly previousEventId: number;
  /** The state's name. */
  readonly stateName: string;
  /** The state's input (entered) or output (exited). */
  readonly data: unknown;
  readonly entered: boolean;
  [details: string]: unknown;
  constructor(run: Run, frame: Frame, type: string, entered: boolean, stateName: string, data: unknown) {
    this.timestamp = run.timestamp;
    this.type = type;
    this.id = ++run.state.eventId;
    this.previousEventId = frame.lastEventId;
    this.entered = entered;
    this.stateName = stateName;
    this.data = data;
    frame.lastEventId = this.id;
    run.events.push(this as unknown as HistoryEvent);
  }
  get stateEnteredEventDetails(): unknown {
    return this.entered ? new DataDetails('input', this.data, this.stateName).toJSON() : undefined;
  }
  get stateExitedEventDetails(): unknown {
    return this.entered ? undefined : new DataDetails('output', this.data, this.stateName).toJSON();
  }
  toJSON(): Record<string, unknown> {
    const key = this.entered ? 'stateEnteredEventDetails' : 'stateExitedEventDetails';
    return {
      timestamp: this.timestamp,
      type: this.type,
      id: this.id,
      previousEventId: this.previousEventId,
      [key]: this.entered ? this.stateEnteredEventDetails : this.stateExitedEventDetails,
    };
  }
}

/** The sub-machine a frame runs. */
export function subOf(run: Run, frame: Frame): SubMachine {
  const sub = run.machine.machines.get(frame.machine);
  if (!sub) throw new Error(`unknown sub-machine ${frame.machine}`);
  return sub;
}

/** The context object (`$$`) as a state of `frame` sees it. */
export function contextObject(
  run: Run,
  frame: Frame,
  extra?: Record<string, unknown>,
): Record<string, unknown> {
  const c = run.state.context;
  return {
    Execution: {
      Id: c.executionArn,
      Input: run.state.input,
      Name: c.executionName,
      RoleArn: c.roleArn ?? null,
      StartTime: new Date(c.startTime).toISOString(),
      RedriveCount: c.redriveCount ?? 0,
    },
    State: {
      EnteredTime: new Date(frame.enteredAt).toISOString(),
      Name: frame.state,
      RetryCount: frame.retryCount,
    },
    StateMachine: { Id: c.stateMachineArn, Name: c.stateMachineName },
    ...extra,
  };
}

/** The evaluation environment of a frame (a class: no closures per state). */
class FrameEnv implements Env {
  readonly random: Run['random'];
  private ctx: Record<string, unknown> | null = null;
  constructor(
    private readonly run: Run,
    private readonly frame: Frame,
    private readonly extra: Record<string, unknown> | undefined,
  ) {
    this.random = run.random;
  }
  context(): Record<string, unknown> {
    this.ctx ??= contextObject(this.run, this.frame, this.extra);
    return this.ctx;
  }
  variable(name: string): unknown {
    const frames = this.run.state.frames;
    for (let f: Frame | undefined = this.frame; f; f = f.parent ? frames[f.parent] : undefined) {
      if (Object.hasOwn(f.vars, name)) return f.vars[name];
    }
    return MISSING;
  }
  variables(): Record<string, unknown> {
    const chain: Frame[] = [];
    const frames = this.run.state.frames;
    for (let f: Frame | undefined = this.frame; f; f = f.parent ? frames[f.parent] : undefined) chain.push(f);
    return Object.assign({}, ...chain.reverse().map((f) => f.vars));
  }
}

/** The evaluation environment for `frame`. */
export function envOf(run: Run, frame: Frame, extra?: Record<string, unknown>): Env {
  return new FrameEnv(run, frame, extra);
}

/** The compiled state a frame is in. */
export function stateOf(run: Run, frame: Frame): CState {
  const cs = subOf(run, frame).states.get(frame.state);
  if (!cs) throw new Error(`unknown state ${frame.state}`);
  return cs;
}
