/**
 * The end of a frame: the execution's end for the root frame, or one child
 * done for a Parallel or Map.
 */
import { DataDetails, emit, type Run } from './run-context.js';
import { cancelTimer } from './timers.js';
import type { FinalStatus, Frame } from './types.js';

/** A frame reached its end with an output. */
export function frameSucceeded(run: Run, frame: Frame, output: unknown): void {
  if (frame.parent === null) {
    emit(
      run,
      frame,
      'ExecutionSucceeded',
      'executionSucceededEventDetails',
      new DataDetails('output', output),
    );
    finishExecution(run, 'SUCCEEDED', { output });
    return;
  }
  run.hooks.childSucceeded(run, frame, output);
}

/** A frame failed with an error nobody caught. */
export function frameFailed(
  run: Run,
  frame: Frame,
  error: string | undefined,
  cause: string | undefined,
): void {
  if (frame.parent === null) {
    emit(run, frame, 'ExecutionFailed', 'executionFailedEventDetails', details(error, cause));
    finishExecution(run, 'FAILED', { error, cause });
    return;
  }
  run.hooks.childFailed(run, frame, error, cause);
}

/** Error/cause details without undefined fields. */
export function details(
  error: string | undefined | null,
  cause: string | undefined | null,
): Record<string, string> {
  const d: Record<string, string> = {};
  if (error !== undefined && error !== null) d.error = error;
  if (cause !== undefined && cause !== null) d.cause = cause;
  return d;
}

/** Ends the execution: cancels pending timers and tells the host. */
export function finishExecution(
  run: Run,
  status: FinalStatus,
  result: { output?: unknown; error?: string | undefined | null; cause?: string | undefined | null },
): void {
  const s = run.state;
  for (const id of Object.keys(s.timers)) cancelTimer(run, id);
  s.status = status;
  const root = s.frames.root;
  if (status !== 'SUCCEEDED' && root)
    s.redrivePoint = { state: root.state, input: root.input, vars: root.vars };
  s.frames = {};
  s.tasks = {};
  const command: { type: 'complete'; status: FinalStatus; output?: unknown; error?: string; cause?: string } =
    {
      type: 'complete',
      status,
    };
  if (status === 'SUCCEEDED') {
    s.output = result.output;
    command.output = result.output;
  } else {
    if (result.error != null) s.error = command.error = result.error;
    if (result.cause != null) s.cause = command.cause = result.cause;
  }
  run.commands.push(command);
}
