import type { IntegrationPattern } from './registry.js';

/**
 * The durable runtime's view of the ASL engine: a reducer. The host stores
 * `state`, appends `events` to the history and carries out `commands`, all in
 * one transaction per step. `engine.ts` adapts `@dbplane/asl` to this shape.
 *
 * Glossary:
 * - input: what happened (start, a task's result, a timer, a callback, stop).
 * - command: what the engine asks the host to do next.
 * - timer: a row with a due time; Wait states, Retry intervals and timeouts.
 */
export type EngineInput =
  | { type: 'taskSucceeded'; taskId: string; output: unknown }
  | { type: 'taskFailed'; taskId: string; error: string; cause: string }
  | { type: 'taskHeartbeat'; taskId: string }
  | { type: 'timerFired'; timerId: string }
  | { type: 'stop'; error: string | null; cause: string | null };

export type EngineCommand =
  | {
      type: 'invokeTask';
      taskId: string;
      resource: string;
      input: unknown;
      idempotencyToken: string;
      taskToken: string | null;
      pattern: IntegrationPattern;
    }
  | { type: 'startTimer'; timerId: string; dueAt: number }
  | { type: 'cancelTimer'; timerId: string }
  | { type: 'complete'; status: FinalStatus; output?: unknown; error?: string; cause?: string };

export type FinalStatus = 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** One history event in the Step Functions `GetExecutionHistory` format. */
export interface HistoryEvent {
  id: number;
  type: string;
  timestamp: string;
  previousEventId?: number;
  [details: string]: unknown;
}

export interface StepResult {
  state: unknown;
  events: HistoryEvent[];
  commands: EngineCommand[];
}

export interface StartContext {
  executionArn: string;
  executionName: string;
  startTime: number;
  stateMachineArn: string;
  stateMachineName: string;
  roleArn: string | null;
  redriveCount: number;
}

/** The reducer over compiled definitions `M`. Pure: the same arguments give the same result. */
export interface Engine<M = unknown> {
  compile(definition: unknown): M;
  start(machine: M, input: unknown, context: StartContext, now: number): Promise<StepResult>;
  step(machine: M, state: unknown, input: EngineInput, now: number): Promise<StepResult>;
  /** Re-runs a failed execution from the states that failed; undefined when it cannot. */
  redrive(machine: M, state: unknown, now: number): Promise<StepResult | undefined>;
}
