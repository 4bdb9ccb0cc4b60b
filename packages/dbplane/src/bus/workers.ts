import { hostname } from 'node:os';
import type { Logger } from '../log/logger.js';
import type { QueuesService } from '../queues/service.js';
import type { Pool } from '../store/db.js';
import type { Notifier } from '../store/notifier.js';
import { createDeliverer, type DeliveryOptions } from './delivery.js';
import { createLoop, type Loop } from './loop.js';
import type { BusObserver } from './metrics.js';
import { createReplayer } from './replayer.js';
import { createRouter } from './router.js';
import { createScheduler } from './scheduler.js';
import { createSweeper } from './sweeper.js';
import type { TargetKind } from './targets.js';
import { DELIVERIES_CHANNEL, EVENTS_CHANNEL } from './types.js';

export interface BusWorkerDeps {
  pool: Pool;
  notifier: Notifier;
  region: string;
  queues: QueuesService;
  kinds: readonly TargetKind[];
  delivery?: DeliveryOptions;
  /** How often idle workers re-check the store (ms). */
  pollMs?: number;
  /** Delivery metrics (see metrics.ts). */
  observer?: BusObserver;
  /** The scheduler's clock (tests). */
  now?: () => Date;
}

/**
 * The node's event bus workers: the router, the delivery worker, the
 * replayer and the scheduler (which also sweeps old events), each a loop
 * woken by NOTIFY.
 *
 * @example
 * const w = startBusWorkers(deps, log); ...; await w.stop();
 */
export function startBusWorkers(deps: BusWorkerDeps, log: Logger): { stop(): Promise<void> } {
  const owner = `${hostname()}:${process.pid}:events:${Math.random().toString(36).slice(2, 8)}`;
  const idleMs = deps.pollMs ?? 1000;
  const router = createRouter(deps);
  const deliverer = createDeliverer({
    ...deps,
    owner,
    log,
    ...(deps.delivery ? { options: deps.delivery } : {}),
  });
  const scheduler = createScheduler(deps);
  const sweeper = createSweeper(deps);
  const tick = async () => (await scheduler.step()) + (await sweeper.step());
  const loops: Loop[] = [
    createLoop({
      name: 'router',
      notifier: deps.notifier,
      channel: EVENTS_CHANNEL,
      idleMs,
      log,
      step: router.step,
    }),
    createLoop({
      name: 'delivery',
      notifier: deps.notifier,
      channel: DELIVERIES_CHANNEL,
      idleMs,
      log,
      step: deliverer.step,
    }),
    createLoop({
      name: 'replayer',
      notifier: deps.notifier,
      channel: 'dbplane_event_replays',
      idleMs,
      log,
      step: createReplayer(deps).step,
    }),
    createLoop({
      name: 'scheduler',
      notifier: deps.notifier,
      channel: 'dbplane_event_schedules',
      idleMs,
      log,
      step: tick,
    }),
  ];
  for (const l of loops) l.start();
  return {
    async stop() {
      await Promise.all(loops.map((l) => l.stop()));
    },
  };
}
