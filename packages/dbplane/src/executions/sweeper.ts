import type { Logger } from '../log/logger.js';
import type { Pool } from '../store/db.js';
import { sweep } from './logs.js';

/**
 * Deletes expired execution logs and finished executions, shortly after start
 * and then hourly. Every node runs it; the deletes are idempotent.
 */
export function createSweeper(deps: {
  pool: Pool;
  log: Logger;
  retention: { logDays: number; executionDays: number };
}) {
  const run = () => {
    sweep(deps.pool, deps.retention).then(
      (n) => {
        if (n.logs + n.executions > 0) deps.log.info(n, 'retention: deleted expired logs and executions');
      },
      (err: unknown) => deps.log.warn({ err }, 'retention sweep failed'),
    );
  };
  const first = setTimeout(run, 10_000);
  const hourly = setInterval(run, 3_600_000);
  first.unref();
  hourly.unref();
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(hourly);
    },
  };
}
