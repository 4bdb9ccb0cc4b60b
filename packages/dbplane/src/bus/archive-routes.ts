import { Type } from '@sinclair/typebox';
import type { Mutate } from '../api/mutation.js';
import { errorResponses, Name } from '../api/schemas.js';
import type { App } from '../api/types.js';
import type { Pool } from '../store/db.js';
import type { BusService } from './service.js';

const tags = ['events'];
const audit = (action: string) => ({ audit: { service: 'events', action } });
const account = (r: { principal?: { accountId: string } | undefined }) => r.principal?.accountId ?? '';
const Any = Type.Object({}, { additionalProperties: true });
const NameParams = Type.Object({ name: Name });

/** `/v1/archives` and `/v1/replays`. */
export function registerArchiveRoutes(app: App, deps: { bus: BusService; mutate: Mutate; pool: Pool }): void {
  const { mutate } = deps;
  const archives = deps.bus.archives;
  app.post(
    '/v1/archives',
    {
      config: audit('CreateArchive'),
      schema: {
        tags,
        body: Type.Object(
          {
            name: Name,
            eventBusName: Type.Optional(Type.String({ maxLength: 1600 })),
            eventPattern: Type.Optional(Type.Unknown()),
            retentionDays: Type.Optional(Type.Integer({ minimum: 0 })),
            description: Type.Optional(Type.String({ maxLength: 512 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Any, ...errorResponses(404, 409) },
      },
    },
    async (request, reply) => {
      reply.status(201);
      return mutate(request, reply, async (tx) => {
        const p = request.body.eventPattern;
        const a = await archives.create(tx, {
          ...request.body,
          ...(typeof p === 'string' ? { eventPattern: JSON.parse(p) as unknown } : {}),
          accountId: account(request),
        });
        return { result: a, resourceArn: a.arn };
      });
    },
  );
  app.get(
    '/v1/archives',
    { schema: { tags, response: { 200: Type.Object({ archives: Type.Array(Any) }) } } },
    async (request) => ({
      archives: await archives.list(deps.pool, account(request)),
    }),
  );
  app.get(
    '/v1/archives/:name',
    { schema: { tags, params: NameParams, response: { 200: Any, ...errorResponses(404) } } },
    async (request) => archives.describe(deps.pool, account(request), request.params.name),
  );
  app.delete(
    '/v1/archives/:name',
    {
      config: audit('DeleteArchive'),
      schema: { tags, params: NameParams, response: { 200: Any, ...errorResponses(404) } },
    },
    async (request, reply) =>
      mutate(request, reply, async (tx) => {
        const arn = await archives.remove(tx, account(request), request.params.name);
        return { result: { arn }, resourceArn: arn };
      }),
  );
  app.post(
    '/v1/replays',
    {
      config: audit('StartReplay'),
      schema: {
        tags,
        body: Type.Object(
          {
            name: Name,
            archiveName: Name,
            eventStartTime: Type.String({ format: 'date-time' }),
            eventEndTime: Type.String({ format: 'date-time' }),
            destinationBusName: Type.Optional(Type.String({ maxLength: 1600 })),
            destinationRules: Type.Optional(Type.Array(Type.String({ maxLength: 1600 }), { maxItems: 100 })),
            description: Type.Optional(Type.String({ maxLength: 512 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Any, ...errorResponses(404, 409) },
      },
    },
    async (request, reply) => {
      reply.status(201);
      return mutate(request, reply, async (tx) => {
        const r = await archives.startReplay(tx, { ...request.body, accountId: account(request) });
        return { result: r, resourceArn: r.arn };
      });
    },
  );
  app.get(
    '/v1/replays',
    { schema: { tags, response: { 200: Type.Object({ replays: Type.Array(Any) }) } } },
    async (request) => ({
      replays: await archives.listReplays(deps.pool, account(request)),
    }),
  );
  app.get(
    '/v1/replays/:name',
    { schema: { tags, params: NameParams, response: { 200: Any, ...errorResponses(404) } } },
    async (request) => archives.describeReplay(deps.pool, account(request), request.params.name),
  );
  app.post(
    '/v1/replays/:name/cancel',
    {
      config: audit('CancelReplay'),
      schema: { tags, params: NameParams, response: { 200: Any, ...errorResponses(404, 409) } },
    },
    async (request, reply) =>
      mutate(request, reply, async (tx) => {
        const arn = await archives.cancelReplay(tx, account(request), request.params.name);
        return { result: { arn, state: 'CANCELLED' }, resourceArn: arn };
      }),
  );
}
