import { Type } from '@sinclair/typebox';
import type { Mutate } from '../api/mutation.js';
import { errorResponses, Name } from '../api/schemas.js';
import type { App } from '../api/types.js';
import { ValidationError } from '../errors/index.js';
import type { Pool } from '../store/db.js';
import { withTransaction } from '../store/db.js';
import type { BusService } from './service.js';

const tags = ['events'];
const audit = (action: string) => ({ audit: { service: 'events', action } });
const account = (r: { principal?: { accountId: string } | undefined }) => r.principal?.accountId ?? '';
const Any = Type.Object({}, { additionalProperties: true });

const Entry = Type.Object(
  {
    source: Type.Optional(Type.String({ maxLength: 256 })),
    detailType: Type.Optional(Type.String({ maxLength: 256 })),
    detail: Type.Optional(Type.Unknown()),
    resources: Type.Optional(Type.Array(Type.String({ maxLength: 2048 }), { maxItems: 100 })),
    time: Type.Optional(Type.String()),
    eventBusName: Type.Optional(Type.String({ maxLength: 1600 })),
  },
  { additionalProperties: false },
);
const PutResult = Type.Object({
  eventId: Type.Optional(Type.String()),
  errorCode: Type.Optional(Type.String()),
  errorMessage: Type.Optional(Type.String()),
});

/** `/v1/events` (PutEvents), `/v1/event-buses` and `/v1/test-event-pattern`. */
export function registerEventRoutes(app: App, deps: { bus: BusService; mutate: Mutate; pool: Pool }): void {
  const { bus, mutate } = deps;
  app.post(
    '/v1/events',
    {
      config: { dataPlane: true },
      schema: {
        tags,
        body: Type.Object(
          { entries: Type.Array(Entry, { minItems: 1, maxItems: 10 }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ failedEntryCount: Type.Integer(), entries: Type.Array(PutResult) }),
          ...errorResponses(413),
        },
      },
    },
    async (request) => {
      const result = await withTransaction(deps.pool, (tx) =>
        bus.events.put(tx, account(request), request.body.entries),
      );
      if ('tooLarge' in result)
        throw new ValidationError([
          { path: '/entries', message: `the entries total ${result.size} bytes; at most 262144` },
        ]);
      return result;
    },
  );
  app.post(
    '/v1/test-event-pattern',
    {
      config: { dataPlane: true },
      schema: {
        tags,
        body: Type.Object({ eventPattern: Type.Unknown(), event: Type.Unknown() }),
        response: { 200: Type.Object({ result: Type.Boolean() }), ...errorResponses() },
      },
    },
    async (request) => {
      const ev = typeof request.body.event === 'string' ? JSON.parse(request.body.event) : request.body.event;
      const pat =
        typeof request.body.eventPattern === 'string'
          ? JSON.parse(request.body.eventPattern)
          : request.body.eventPattern;
      return { result: bus.testPattern(pat, ev) };
    },
  );
  app.post(
    '/v1/event-buses',
    {
      config: audit('CreateEventBus'),
      schema: {
        tags,
        body: Type.Object(
          { name: Name, description: Type.Optional(Type.String({ maxLength: 512 })) },
          { additionalProperties: false },
        ),
        response: { 201: Any, ...errorResponses(409) },
      },
    },
    async (request, reply) => {
      reply.status(201);
      return mutate(request, reply, async (tx) => {
        const b = await bus.buses.create(tx, { ...request.body, accountId: account(request) });
        return { result: b, resourceArn: b.arn };
      });
    },
  );
  app.get(
    '/v1/event-buses',
    { schema: { tags, response: { 200: Type.Object({ eventBuses: Type.Array(Any) }) } } },
    async (request) => ({ eventBuses: await bus.buses.list(deps.pool, account(request)) }),
  );
  app.get(
    '/v1/event-buses/:name',
    { schema: { tags, params: Type.Object({ name: Name }), response: { 200: Any, ...errorResponses(404) } } },
    async (request) => bus.buses.describe(deps.pool, account(request), request.params.name),
  );
  app.delete(
    '/v1/event-buses/:name',
    {
      config: audit('DeleteEventBus'),
      schema: { tags, params: Type.Object({ name: Name }), response: { 200: Any, ...errorResponses(404) } },
    },
    async (request, reply) =>
      mutate(request, reply, async (tx) => {
        const arn = await bus.buses.remove(tx, account(request), request.params.name);
        return { result: { arn }, resourceArn: arn };
      }),
  );
}
