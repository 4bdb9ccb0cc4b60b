import { Type } from '@sinclair/typebox';
import type { Pool } from '../store/db.js';
import { migrationsCurrent } from '../store/migrate.js';
import type { App } from './types.js';

/** `/healthz`: the process is up. `/readyz`: the store answers and every migration is applied. */
export function registerHealthRoutes(app: App, deps: { pool: Pool }): void {
  const Status = Type.Object({ status: Type.String(), reason: Type.Optional(Type.String()) });
  app.get(
    '/healthz',
    { config: { public: true }, schema: { tags: ['health'], response: { 200: Status } } },
    async () => ({ status: 'ok' }),
  );
  app.get(
    '/readyz',
    { config: { public: true }, schema: { tags: ['health'], response: { 200: Status, 503: Status } } },
    async (_request, reply) => {
      try {
        if (await migrationsCurrent(deps.pool)) return { status: 'ready' };
        return reply.status(503).send({ status: 'not-ready', reason: 'migrations pending' });
      } catch {
        return reply.status(503).send({ status: 'not-ready', reason: 'store unreachable' });
      }
    },
  );
}
