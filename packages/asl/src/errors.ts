/**
 * Error names the engine raises, as AWS Step Functions names them, and the
 * error classes the library throws at its edges.
 */
export const StatesError = {
  ALL: 'States.ALL',
  HeartbeatTimeout: 'States.HeartbeatTimeout',
  Timeout: 'States.Timeout',
  TaskFailed: 'States.TaskFailed',
  Permissions: 'States.Permissions',
  ResultPathMatchFailure: 'States.ResultPathMatchFailure',
  ParameterPathFailure: 'States.ParameterPathFailure',
  BranchFailed: 'States.BranchFailed',
  NoChoiceMatched: 'States.NoChoiceMatched',
  IntrinsicFailure: 'States.IntrinsicFailure',
  ExceedToleratedFailureThreshold: 'States.ExceedToleratedFailureThreshold',
  ItemReaderFailed: 'States.ItemReaderFailed',
  ResultWriterFailed: 'States.ResultWriterFailed',
  QueryEvaluationError: 'States.QueryEvaluationError',
  Runtime: 'States.Runtime',
  DataLimitExceeded: 'States.DataLimitExceeded',
} as const;

/** One of the predefined `States.*` error names. */
export type StatesErrorName = (typeof StatesError)[keyof typeof StatesError];

/** One problem found in a definition: where (a JSON pointer) and what. */
export interface Problem {
  path: string;
  message: string;
}

/**
 * A failure inside an execution, carried as a value: an ASL error name and a cause.
 * Thrown only inside the engine and always caught there.
 *
 * @example
 * throw new AslError('States.Runtime', 'Invalid path');
 */
export class AslError extends Error {
  /** The ASL error name, e.g. `States.Runtime`. */
  readonly error: string;
  constructor(error: string, cause: string) {
    super(cause);
    this.name = 'AslError';
    this.error = error;
  }
}

/**
 * Thrown by `parseStateMachine` for an invalid definition; `.problems` lists all of them.
 *
 * @example
 * try { parseStateMachine({}) } catch (e) { if (e instanceof AslValidationError) console.log(e.problems) }
 */
export class AslValidationError extends Error {
  readonly code = 'ASL_VALIDATION' as const;
  readonly problems: Problem[];
  constructor(problems: Problem[]) {
    super(
      `invalid state machine definition: ${problems.map((p) => `${p.path || '/'}: ${p.message}`).join('; ')}`,
    );
    this.name = 'AslValidationError';
    this.problems = problems;
  }
}

/** Message of an unknown thrown value. */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
