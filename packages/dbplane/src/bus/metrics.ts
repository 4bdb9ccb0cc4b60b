import { Counter, Gauge, type Registry } from 'prom-client';
import type { Pool } from '../store/db.js';

/** What the delivery worker reports: one outcome per handled delivery. */
export type DeliveryOutcome = 'delivered' | 'retried' | 'dead_lettered' | 'dropped';

export interface BusObserver {
  delivery(outcome: DeliveryOutcome): void;
}

/**
 * The event bus's Prometheus metrics:
 * - `dbplane_event_deliveries_total{outcome}`: delivered, retried, dead_lettered, dropped;
 * - `dbplane_event_backlog{stage}`: events not yet routed (`routing`) and deliveries pending (`delivery`), read at scrape time.
 */
export function createBusMetrics(registry: Registry, pool: Pool): BusObserver {
  const registers = [registry];
  const deliveries = new Counter({
    name: 'dbplane_event_deliveries_total',
    help: 'event deliveries handled, by outcome',
    labelNames: ['outcome'],
    registers,
  });
  new Gauge({
    name: 'dbplane_event_backlog',
    help: 'events waiting to be routed, and deliveries pending',
    labelNames: ['stage'],
    registers,
    async collect() {
      const r = await pool.query<{ routing: string; delivery: string }>(
        `SELECT (SELECT count(*) FROM events WHERE routed_at IS NULL) AS routing,
                (SELECT count(*) FROM event_deliveries) AS delivery`,
      );
      this.set({ stage: 'routing' }, Number(r.rows[0]?.routing ?? 0));
      this.set({ stage: 'delivery' }, Number(r.rows[0]?.delivery ?? 0));
    },
  });
  return { delivery: (outcome) => deliveries.inc({ outcome }) };
}

/** An observer that records nothing (tests, tools). */
export const noObserver: BusObserver = { delivery: () => {} };
