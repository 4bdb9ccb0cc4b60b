/**
 * @module @dbplane/asl
 *
 * A pure Amazon States Language engine: validation, compilation, a reducer
 * that advances an execution one input at a time, and an in-memory runner.
 *
 * @example
 * import { parseStateMachine, runExecution } from '@dbplane/asl';
 * const machine = parseStateMachine({ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } });
 * const { status, output } = await runExecution(machine, { hello: 'world' });
 */
export type { StateMachine } from './compile.js';
export { redrive, start, step } from './engine.js';
export { AslError, AslValidationError, type Problem, StatesError, type StatesErrorName } from './errors.js';
export {
  type ResourceHandler,
  type RunOptions,
  type RunResult,
  runExecution,
  type TaskContext,
} from './runner.js';
export type {
  EngineCommand,
  EngineInput,
  ExecutionState,
  FinalStatus,
  HistoryEvent,
  IntegrationPattern,
  StartContext,
  StepResult,
  TimerPurpose,
} from './types.js';
export { parseStateMachine, validateDefinition } from './validate.js';
