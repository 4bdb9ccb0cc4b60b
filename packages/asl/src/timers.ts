/** Timers: the engine asks the host for them and forgets them when they are no longer needed. */
import type { Run } from './run-context.js';
import type { Frame, TimerPurpose } from './types.js';

/** Starts a timer for a frame; returns its id. */
export function startTimer(
  run: Run,
  frame: Frame | null,
  dueAt: number,
  purpose: TimerPurpose,
  task?: string,
): string {
  const timerId = `timer-${++run.state.seq}`;
  run.state.timers[timerId] = { frame: frame ? frame.id : '', purpose, ...(task ? { task } : {}) };
  run.commands.push({ type: 'startTimer', timerId, dueAt, purpose });
  return timerId;
}

/** Cancels a timer if it is still pending. */
export function cancelTimer(run: Run, timerId: string): void {
  if (!run.state.timers[timerId]) return;
  delete run.state.timers[timerId];
  run.commands.push({ type: 'cancelTimer', timerId });
}

/** Cancels every pending timer of a frame. */
export function cancelFrameTimers(run: Run, frameId: string): void {
  for (const [id, t] of Object.entries(run.state.timers)) if (t.frame === frameId) cancelTimer(run, id);
}
