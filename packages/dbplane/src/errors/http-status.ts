import { DbplaneError, ErrorCode } from './errors.js';

/** The one table from error codes to HTTP statuses. Unknown codes are 500. */
const statusByCode: Readonly<Record<string, number>> = {
  [ErrorCode.Validation]: 400,
  [ErrorCode.Unauthenticated]: 401,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.Conflict]: 409,
  [ErrorCode.Unavailable]: 503,
  [ErrorCode.Internal]: 500,
  [ErrorCode.Config]: 500,
  [ErrorCode.ExecutionNotRunning]: 409,
  [ErrorCode.ExecutionNotRedrivable]: 409,
  [ErrorCode.TaskDoesNotExist]: 404,
  [ErrorCode.ActivityWorkerLimitExceeded]: 429,
  [ErrorCode.StateMachineTypeNotSupported]: 400,
  [ErrorCode.TooManyRequests]: 429,
};

/** The body every error answer carries. */
export interface ErrorEnvelope {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

/**
 * Maps any thrown value to a status and an envelope. Errors that are not
 * `DbplaneError`s are bugs: the caller sees a generic message, never a stack.
 *
 * @example
 * toHttpError(new NotFoundError('api key', 'ci')) // { status: 404, body: { error: { code: 'ResourceNotFound', ... } } }
 */
export function toHttpError(err: unknown): { status: number; body: ErrorEnvelope; internal: boolean } {
  if (err instanceof DbplaneError) {
    const body: ErrorEnvelope = { error: { code: err.code, message: err.message } };
    if (err.details !== undefined) body.error.details = err.details;
    return { status: statusByCode[err.code] ?? 500, body, internal: false };
  }
  return {
    status: 500,
    body: { error: { code: ErrorCode.Internal, message: 'internal error; see the server log' } },
    internal: true,
  };
}
