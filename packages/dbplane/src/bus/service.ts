import { matchesPattern, validatePattern } from '@dbplane/events';
import type { Registry } from 'prom-client';
import { ValidationError } from '../errors/index.js';
import type { ExecutionsService } from '../executions/service.js';
import type { QueuesService } from '../queues/service.js';
import { type Pool, withTransaction } from '../store/db.js';
import { createArchivesService } from './archives.js';
import { createBusesService } from './buses.js';
import { createEventsService } from './events-service.js';
import { createBusMetrics, noObserver } from './metrics.js';
import { createRulesService } from './rules.js';
import { createTargetKinds } from './targets.js';

/**
 * The event bus domain: buses, PutEvents, rules and targets, archives and
 * replays. The workers (router, delivery, scheduler) are started by the node.
 *
 * @example
 * const bus = createBusService({ pool, region, queues, executions });
 * await bus.events.put(tx, accountId, [{ source: 'app', detailType: 'x', detail: {} }]);
 */
export function createBusService(deps: {
  pool: Pool;
  region: string;
  queues: QueuesService;
  executions: ExecutionsService;
  httpAllowedHosts?: readonly string[];
  metrics?: Registry;
}) {
  const kinds = createTargetKinds({
    executions: deps.executions,
    queues: deps.queues,
    withTx: (f) => withTransaction(deps.pool, f),
    httpAllowedHosts: deps.httpAllowedHosts ?? ['127.0.0.1', 'localhost', '::1'],
  });
  const buses = createBusesService(deps);
  const events = createEventsService({ region: deps.region, buses });
  const rules = createRulesService({ region: deps.region, buses, kinds });
  const archives = createArchivesService({ region: deps.region, buses });
  return {
    kinds,
    /** Delivery metrics for the workers; registered on `metrics` when given. */
    observer: deps.metrics === undefined ? noObserver : createBusMetrics(deps.metrics, deps.pool),
    buses,
    events,
    rules,
    archives,
    /** TestEventPattern: whether `event` matches `pattern` (400 naming the path when invalid). */
    testPattern(pattern: unknown, event: unknown): boolean {
      const problems = validatePattern(pattern as never);
      if (problems.length > 0)
        throw new ValidationError(
          problems.map((p) => ({
            path: `/eventPattern${p.path.startsWith('/') || p.path === '' ? p.path : `/${p.path}`}`,
            message: p.message,
          })),
        );
      return matchesPattern(pattern, event);
    },
  };
}

export type BusService = ReturnType<typeof createBusService>;
