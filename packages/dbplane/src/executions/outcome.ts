import { DbplaneError } from '../errors/index.js';
import type { TaskOutcome } from './registry.js';

/**
 * The ASL error names of failures a retry may cure (an instance still
 * starting, one run by another node, a connection refused): the built-in
 * workflows name them in their Retry policies.
 */
export const TRANSIENT_ERRORS = [
  'Dbplane.Transient',
  'Dbplane.InstanceNotReady',
  'Dbplane.InstanceOnAnotherNode',
];

/** The built-in workflows' Retry for transient failures: 8 attempts, 1 s growing 1.5× up to 10 s. */
export const TRANSIENT_RETRY = {
  ErrorEquals: TRANSIENT_ERRORS,
  IntervalSeconds: 1,
  MaxAttempts: 8,
  BackoffRate: 1.5,
  MaxDelaySeconds: 10,
};

/** A Catch of every error into `$.error`, going on to `next`. */
export const catchAllInto = (next: string) => [
  { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: next },
];

const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P03',
  '53300',
]);

/**
 * Runs an integration's body and reports a thrown error as an ASL error
 * name that Retry and Catch can name: `Dbplane.*` codes as they are,
 * connection failures and retryable errors as `Dbplane.Transient`,
 * anything else as `Dbplane.Failed`.
 */
export async function asOutcome(body: () => Promise<unknown>): Promise<TaskOutcome> {
  try {
    return { type: 'succeeded', output: await body() };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const code = (err as { code?: unknown }).code;
    if (err instanceof DbplaneError && err.code.startsWith('Dbplane.'))
      return { type: 'failed', error: err.code, cause: message };
    if (
      (err instanceof DbplaneError && err.retryable) ||
      (typeof code === 'string' && TRANSIENT_CODES.has(code))
    )
      return { type: 'failed', error: 'Dbplane.Transient', cause: message };
    return { type: 'failed', error: 'Dbplane.Failed', cause: message };
  }
}
