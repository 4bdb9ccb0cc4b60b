import type { Pool } from '../store/db.js';

/** How long routed events are kept once they have no pending delivery (archives keep their own copies). */
export const ROUTED_EVENT_RETENTION_HOURS = 24;

/**
 * Removes what nobody needs any more: routed events older than a day with no
 * pending delivery, and archived events past their archive's retention
 * (0 keeps them forever). Safe on several nodes at once.
 */
export function createSweeper(deps: { pool: Pool; intervalMs?: number }) {
  const every = deps.intervalMs ?? 60_000;
  let last = 0;
  return {
    async step(): Promise<number> {
      if (Date.now() - last < every) return 0;
      last = Date.now();
      await deps.pool.query(
        `DELETE FROM events e WHERE e.routed_at < now() - make_interval(hours => $1)
           AND NOT EXISTS (SELECT 1 FROM event_deliveries d WHERE d.event_id = e.id)`,
        [ROUTED_EVENT_RETENTION_HOURS],
      );
      await deps.pool.query(
        `DELETE FROM archived_events x USING event_archives a
         WHERE x.archive_id = a.id AND a.retention_days > 0 AND x.event_time < now() - make_interval(days => a.retention_days)`,
      );
      return 0;
    },
  };
}
