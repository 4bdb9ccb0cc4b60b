import type { Logger } from '../log/logger.js';
import type { Notifier } from '../store/notifier.js';

/** A background loop: runs `step` while it finds work, else waits for `channel` (or `idleMs`). */
export interface Loop {
  start(): void;
  stop(): Promise<void>;
}

/**
 * @example
 * const loop = createLoop({ name: 'router', notifier, channel: EVENTS_CHANNEL, idleMs: 1000, log, step });
 * loop.start();
 */
export function createLoop(p: {
  name: string;
  notifier: Notifier;
  channel: string;
  idleMs: number;
  log: Logger;
  /** Does one unit of work; answers how many items it handled. */
  step: () => Promise<number>;
}): Loop {
  const controller = new AbortController();
  let running: Promise<void> | undefined;
  const run = async () => {
    while (!controller.signal.aborted) {
      let n = 0;
      const cursor = p.notifier.cursor(p.channel);
      try {
        n = await p.step();
      } catch (err) {
        p.log.error({ err, worker: p.name }, 'event bus worker step failed');
      }
      if (n === 0 && !controller.signal.aborted)
        await p.notifier.wait(p.channel, p.idleMs, undefined, controller.signal, cursor).catch(() => false);
    }
  };
  return {
    start() {
      running ??= run();
    },
    async stop() {
      controller.abort();
      await running;
    },
  };
}
