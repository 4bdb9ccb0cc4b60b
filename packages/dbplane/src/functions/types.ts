/**
 * Functions: user code that Task states and rules invoke (the Lambda of dbplane).
 *
 * Glossary:
 * - handler: `file.export` inside the code, e.g. `index.handler`.
 * - code: a zip of the function's files, stored with the function; a
 *   server-side directory is zipped when the function is created or updated.
 * - version: `$LATEST` (changes with every update) or a published number;
 *   an alias points at a published version.
 * - worker: a process running one function version; warm workers are reused,
 *   a worker is recycled after an error, and killed at the timeout.
 * - function error: the handler threw; the payload is
 *   `{ errorType, errorMessage, stackTrace }` as Lambda reports it.
 */
export interface FunctionConfig {
  handler: string;
  runtime: string;
  timeoutSeconds: number;
  memoryMb: number;
  environment: Record<string, string>;
  description: string;
  /** At most this many invocations at once; `null` for no limit. */
  reservedConcurrency: number | null;
  /** `Event` invocations: retries after a function error (0–2, as Lambda). */
  maximumRetryAttempts: number;
  /** `Event` invocations that still fail go to this queue (Lambda's on-failure destination). */
  onFailureQueue: string | null;
}

export interface FunctionInfo extends FunctionConfig {
  arn: string;
  name: string;
  codeSha256: string;
  codeSize: number;
  version: string;
  tags: Record<string, string>;
  lastModified: string;
}

export interface InvocationResult {
  statusCode: number;
  payload: unknown;
  functionError?: 'Unhandled' | 'Handled';
  executedVersion: string;
  logs?: string[];
}

export const FUNCTION_DEFAULTS = {
  runtime: 'nodejs20.x',
  timeoutSeconds: 3,
  memoryMb: 128,
  maximumRetryAttempts: 2,
} as const;
