import { type Static, Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Mutate } from '../api/mutation.js';
import { errorResponses, Name } from '../api/schemas.js';
import type { App } from '../api/types.js';
import type { Pool } from '../store/db.js';
import type { BusService } from './service.js';

const tags = ['events'];
const audit = (action: string) => ({ audit: { service: 'events', action } });
const account = (r: { principal?: { accountId: string } | undefined }) => r.principal?.accountId ?? '';
const Any = Type.Object({}, { additionalProperties: true });
const BusQuery = Type.Object({ eventBusName: Type.Optional(Type.String({ maxLength: 1600 })) });
const NameParams = Type.Object({ name: Name });
const RuleFields = {
  eventPattern: Type.Optional(Type.Unknown()),
  scheduleExpression: Type.Optional(Type.String({ maxLength: 256 })),
  state: Type.Optional(Type.Union([Type.Literal('ENABLED'), Type.Literal('DISABLED')])),
  description: Type.Optional(Type.String({ maxLength: 512 })),
  eventBusName: Type.Optional(Type.String({ maxLength: 1600 })),
};
const TargetSchema = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[\\.\\-_A-Za-z0-9]+$' }),
    arn: Type.String({ minLength: 1, maxLength: 1600 }),
    input: Type.Optional(Type.String({ maxLength: 8192 })),
    inputPath: Type.Optional(Type.String({ maxLength: 256 })),
    inputTransformer: Type.Optional(
      Type.Object(
        {
          inputPathsMap: Type.Optional(Type.Record(Type.String(), Type.String())),
          inputTemplate: Type.String({ maxLength: 8192 }),
        },
        { additionalProperties: false },
      ),
    ),
    retryPolicy: Type.Optional(
      Type.Object(
        {
          maximumRetryAttempts: Type.Optional(Type.Integer({ minimum: 0, maximum: 185 })),
          maximumEventAgeInSeconds: Type.Optional(Type.Integer({ minimum: 60, maximum: 86_400 })),
        },
        { additionalProperties: false },
      ),
    ),
    deadLetterQueue: Type.Optional(Type.String({ minLength: 1, maxLength: 1600 })),
  },
  { additionalProperties: false },
);

const RuleBody = Type.Object(RuleFields);
const pattern = (p: unknown) => (typeof p === 'string' ? (JSON.parse(p) as unknown) : p);

/** `/v1/rules`: rules on a bus (pattern or schedule) and their targets. */
export function registerRuleRoutes(app: App, deps: { bus: BusService; mutate: Mutate; pool: Pool }): void {
  const { bus, mutate } = deps;
  const rules = bus.rules;
  const put = (action: string) => async (request: FastifyRequest, reply: FastifyReply) => {
    if (action === 'PutRule') reply.status(201);
    return mutate(request, reply, async (tx) => {
      const body = request.body as Static<typeof RuleBody>;
      const name = (request.params as { name?: string }).name ?? (body as { name: string }).name;
      const rule = await rules.put(tx, {
        ...body,
        ...(body.eventPattern === undefined ? {} : { eventPattern: pattern(body.eventPattern) }),
        name,
        accountId: account(request),
      });
      return { result: rule, resourceArn: rule.arn };
    });
  };
  app.post(
    '/v1/rules',
    {
      config: audit('PutRule'),
      schema: {
        tags,
        body: Type.Object({ name: Name, ...RuleFields }, { additionalProperties: false }),
        response: { 201: Any, ...errorResponses() },
      },
    },
    put('PutRule'),
  );
  app.put(
    '/v1/rules/:name',
    {
      config: audit('PutRule'),
      schema: {
        tags,
        params: NameParams,
        body: Type.Object(RuleFields, { additionalProperties: false }),
        response: { 200: Any, ...errorResponses() },
      },
    },
    put('UpdateRule'),
  );
  app.get(
    '/v1/rules',
    {
      schema: {
        tags,
        querystring: Type.Composite([
          BusQuery,
          Type.Object({ prefix: Type.Optional(Type.String({ maxLength: 64 })) }),
        ]),
        response: { 200: Type.Object({ rules: Type.Array(Any) }) },
      },
    },
    async (request) => ({
      rules: await rules.list(deps.pool, { ...request.query, accountId: account(request) }),
    }),
  );
  app.get(
    '/v1/rules/:name',
    {
      schema: {
        tags,
        params: NameParams,
        querystring: BusQuery,
        response: { 200: Any, ...errorResponses(404) },
      },
    },
    async (request) =>
      rules.describe(deps.pool, { ...request.query, name: request.params.name, accountId: account(request) }),
  );
  app.delete(
    '/v1/rules/:name',
    {
      config: audit('DeleteRule'),
      schema: {
        tags,
        params: NameParams,
        querystring: BusQuery,
        response: { 200: Any, ...errorResponses(404) },
      },
    },
    async (request, reply) =>
      mutate(request, reply, async (tx) => {
        const arn = await rules.remove(tx, {
          ...request.query,
          name: request.params.name,
          accountId: account(request),
        });
        return { result: { arn }, resourceArn: arn };
      }),
  );
  for (const [verb, state] of [
    ['enable', 'ENABLED'],
    ['disable', 'DISABLED'],
  ] as const) {
    app.post(
      `/v1/rules/:name/${verb}`,
      {
        config: audit(verb === 'enable' ? 'EnableRule' : 'DisableRule'),
        schema: {
          tags,
          params: NameParams,
          querystring: BusQuery,
          response: { 200: Any, ...errorResponses(404) },
        },
      },
      async (request, reply) =>
        mutate(request, reply, async (tx) => {
          const arn = await rules.setState(
            tx,
            { ...request.query, name: request.params.name, accountId: account(request) },
            state,
          );
          return { result: { arn, state }, resourceArn: arn };
        }),
    );
  }
  app.put(
    '/v1/rules/:name/targets',
    {
      config: audit('PutTargets'),
      schema: {
        tags,
        params: NameParams,
        querystring: BusQuery,
        body: Type.Object(
          { targets: Type.Array(TargetSchema, { minItems: 1, maxItems: 5 }) },
          { additionalProperties: false },
        ),
        response: { 200: Any, ...errorResponses(404) },
      },
    },
    async (request, reply) =>
      mutate(request, reply, async (tx) => {
        const r = await rules.putTargets(tx, {
          ...request.query,
          ...request.body,
          name: request.params.name,
          accountId: account(request),
        });
        return {
          result: { failedEntryCount: r.failedEntryCount, failedEntries: r.failedEntries },
          resourceArn: r.ruleArn,
        };
      }),
  );
  app.get(
    '/v1/rules/:name/targets',
    {
      schema: {
        tags,
        params: NameParams,
        querystring: BusQuery,
        response: { 200: Type.Object({ targets: Type.Array(Any) }), ...errorResponses(404) },
      },
    },
    async (request) => ({
      targets: await rules.listTargets(deps.pool, {
        ...request.query,
        name: request.params.name,
        accountId: account(request),
      }),
    }),
  );
  app.delete(
    '/v1/rules/:name/targets/:id',
    {
      config: audit('RemoveTargets'),
      schema: {
        tags,
        params: Type.Object({ name: Name, id: Type.String({ maxLength: 64 }) }),
        querystring: BusQuery,
        response: { 200: Any, ...errorResponses(404) },
      },
    },
    async (request, reply) =>
      mutate(request, reply, async (tx) => {
        const arn = await rules.removeTarget(tx, {
          ...request.query,
          ...request.params,
          accountId: account(request),
        });
        return { result: { ruleArn: arn, removed: request.params.id }, resourceArn: arn };
      }),
  );
}
