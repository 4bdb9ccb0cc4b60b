/**
 * Public types of the ASL engine.
 *
 * Glossary:
 * - machine: a compiled state machine definition (`parseStateMachine`).
 * - execution state: the plain JSON object the host persists between steps.
 * - frame: one running sub-execution inside the state: the root, a Parallel
 *   branch or a Map iteration; frames run concurrently.
 * - input: what happened (start, a task result, a heartbeat, a timer, a stop).
 * - command: what the host must do next (invoke a task, start or cancel a
 *   timer, record that the execution finished).
 * - event: one history event in the Step Functions `GetExecutionHistory` format.
 * - task: one invocation of a Task state's resource; `taskId` is unique per execution.
 * - timer: a due time the host keeps; it reports it back as `timerFired`.
 */

/** How the host carries out a task (from the Resource's suffix). */
export type IntegrationPattern = 'requestResponse' | 'sync' | 'waitForTaskToken';

/** Why a timer exists. */
export type TimerPurpose = 'wait' | 'retry' | 'taskTimeout' | 'heartbeat' | 'executionTimeout';

/** How an execution ended. */
export type FinalStatus = 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** Identity of an execution, given at start; fills the context object. */
export interface StartContext {
  executionArn: string;
  executionName: string;
  /** Epoch milliseconds. */
  startTime: number;
  stateMachineArn: string;
  stateMachineName: string;
  roleArn?: string | null;
  redriveCount?: number;
}

/** One input to the reducer. */
export type EngineInput =
  | { type: 'start'; input: unknown; context: StartContext; seed?: number }
  | { type: 'taskSucceeded'; taskId: string; output: unknown }
  | { type: 'taskFailed'; taskId: string; error: string; cause: string }
  | { type: 'taskHeartbeat'; taskId: string }
  | { type: 'timerFired'; timerId: string }
  | { type: 'stop'; error?: string | null; cause?: string | null };

/** One command for the host. */
export type EngineCommand =
  | {
      type: 'invokeTask';
      taskId: string;
      stateName: string;
      resource: string;
      /** The effective parameters. */
      input: unknown;
      /** Stable across replays: execution + task + attempt. */
      idempotencyToken: string;
      taskToken: string | null;
      pattern: IntegrationPattern;
      timeoutSeconds: number | null;
      heartbeatSeconds: number | null;
    }
  | { type: 'startTimer'; timerId: string; dueAt: number; purpose: TimerPurpose }
  | { type: 'cancelTimer'; timerId: string }
  | { type: 'complete'; status: FinalStatus; output?: unknown; error?: string; cause?: string };

/**
 * One history event in the Step Functions `GetExecutionHistory` format. Events may be class
 * instances whose details are built lazily: read fields directly or work on `JSON.stringify`'s
 * form; do not spread them.
 */
export interface HistoryEvent {
  id: number;
  type: string;
  /** ISO-8601 time. */
  timestamp: string;
  previousEventId: number;
  [details: string]: unknown;
}

/** A Parallel or Map state's progress over its children. */
export interface FanState {
  kind: 'parallel' | 'map';
  items: unknown[];
  results: unknown[];
  started: number;
  running: number;
  done: number;
  failed: number;
  max: number;
  children: string[];
  /** Map: how many failures are tolerated (distributed mode fields). */
  tolerated: number;
}

/** What a frame is waiting for. */
export type Waiting =
  | { k: 'task'; taskId: string; effectiveInput: unknown; timers: string[]; heartbeat: number | null }
  | { k: 'timer'; timerId: string; purpose: 'wait' | 'retry' }
  | { k: 'fan'; fan: FanState };

/** One running sub-execution (root, Parallel branch or Map iteration). */
export interface Frame {
  id: string;
  parent: string | null;
  /** Key of the (sub-)machine this frame runs. */
  machine: string;
  /** Branch or iteration index. */
  index: number;
  state: string;
  input: unknown;
  enteredAt: number;
  /** Id of the current state's ...StateEntered event. */
  enteredEventId: number;
  attempts: number[];
  retryCount: number;
  vars: Record<string, unknown>;
  lastEventId: number;
  item: { index: number; value: unknown } | null;
  waiting: Waiting | null;
}

/** The persisted state of one execution: plain JSON. */
export interface ExecutionState {
  version: 1;
  status: 'RUNNING' | FinalStatus;
  context: StartContext;
  input: unknown;
  eventId: number;
  seq: number;
  seed: number;
  frames: Record<string, Frame>;
  tasks: Record<string, string>;
  timers: Record<string, { frame: string; purpose: TimerPurpose; task?: string }>;
  output?: unknown;
  error?: string;
  cause?: string;
  /** Where a failed, timed-out or aborted execution stopped, for redrive. */
  redrivePoint?: { state: string; input: unknown; vars: Record<string, unknown> };
}

/** What one step returns. */
export interface StepResult {
  state: ExecutionState;
  events: HistoryEvent[];
  commands: EngineCommand[];
}
