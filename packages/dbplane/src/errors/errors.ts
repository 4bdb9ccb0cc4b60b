/**
 * The error taxonomy of the server. Every error a caller can see has a stable
 * `code`; `toHttpStatus` (in `http-status.ts`) is the one place that maps codes
 * to HTTP statuses.
 *
 * Glossary:
 * - problem: one thing wrong with an input, with a JSON pointer to where.
 * - retryable: the same call may succeed later without changing the input.
 */

/** One thing wrong with an input: `path` is a JSON pointer into it. */
export interface Problem {
  path: string;
  message: string;
}

export const ErrorCode = {
  Validation: 'ValidationError',
  Unauthenticated: 'Unauthenticated',
  Forbidden: 'AccessDenied',
  NotFound: 'ResourceNotFound',
  Conflict: 'ResourceConflict',
  Unavailable: 'ServiceUnavailable',
  Internal: 'InternalError',
  Config: 'InvalidConfiguration',
  ExecutionNotRunning: 'ExecutionNotRunning',
  ExecutionNotRedrivable: 'ExecutionNotRedrivable',
  TaskDoesNotExist: 'TaskDoesNotExist',
  ActivityWorkerLimitExceeded: 'ActivityWorkerLimitExceeded',
  StateMachineTypeNotSupported: 'StateMachineTypeNotSupported',
  TooManyRequests: 'TooManyRequestsException',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

interface ErrorOptions {
  retryable?: boolean;
  cause?: unknown;
  details?: Record<string, unknown>;
}

/** Base class: a stable `code`, whether a retry may help, optional details for the caller. */
export class DbplaneError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DbplaneError';
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.details = options.details;
  }
}

/** Bad input: carries every problem found, each with its JSON pointer. */
export class ValidationError extends DbplaneError {
  readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[], message?: string) {
    super(ErrorCode.Validation, message ?? describeProblems(problems), { details: { problems } });
    this.name = 'ValidationError';
    this.problems = problems;
  }
}

/** A named resource that does not exist (in the caller's account). */
export class NotFoundError extends DbplaneError {
  constructor(kind: string, name: string) {
    super(ErrorCode.NotFound, `${kind} "${name}" does not exist`);
    this.name = 'NotFoundError';
  }
}

/** The request conflicts with the current state (a name taken, a state that forbids it). */
export class ConflictError extends DbplaneError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(ErrorCode.Conflict, message, details === undefined ? {} : { details });
    this.name = 'ConflictError';
  }
}

export class UnauthenticatedError extends DbplaneError {
  constructor(message = 'a valid API key is required (x-api-key or Authorization: Bearer)') {
    super(ErrorCode.Unauthenticated, message);
    this.name = 'UnauthenticatedError';
  }
}

export class ForbiddenError extends DbplaneError {
  constructor(message: string) {
    super(ErrorCode.Forbidden, message);
    this.name = 'ForbiddenError';
  }
}

/** Joins problems into one readable sentence: `/name: must be a string; /ttl: ...`. */
function describeProblems(problems: readonly Problem[]): string {
  if (problems.length === 0) return 'invalid input';
  return problems.map((p) => `${p.path || '/'}: ${p.message}`).join('; ');
}

/**
 * For `.catch()`: a NotFoundError becomes undefined, anything else is thrown again.
 *
 * @example
 * const secret = await secrets.describe(ref).catch(unlessNotFound); // undefined when absent
 */
export function unlessNotFound(err: unknown): undefined {
  if (err instanceof NotFoundError) return undefined;
  throw err;
}
