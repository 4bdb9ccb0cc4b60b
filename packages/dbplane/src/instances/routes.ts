import { Type } from '@sinclair/typebox';
import type { Mutate } from '../api/mutation.js';
import { errorResponses, Name, PageQuery } from '../api/schemas.js';
import type { App } from '../api/types.js';
import type { InstancesService } from './service.js';
import { InstanceStatuses, Providers } from './types.js';

const tags = ['instances'];
const audit = (action: string) => ({ audit: { service: 'rds', action } });
const account = (r: { principal?: { accountId: string } | undefined }) => r.principal?.accountId ?? '';
const NameParams = Type.Object({ name: Name });
const Engine = Type.Union([Type.Literal('postgres'), Type.Literal('mysql')]);

const InstanceSchema = Type.Object(
  {
    arn: Type.String(),
    name: Type.String(),
    engine: Engine,
    provider: Type.Union(Providers.map((p) => Type.Literal(p))),
    version: Type.Union([Type.String(), Type.Null()]),
    status: Type.Union(InstanceStatuses.map((s) => Type.Literal(s))),
    statusReason: Type.Union([Type.String(), Type.Null()]),
    endpoint: Type.Union([Type.Object({ host: Type.String(), port: Type.Integer() }), Type.Null()]),
    adminSecretArn: Type.Union([Type.String(), Type.Null()]),
    deletionProtection: Type.Boolean(),
    executionArn: Type.Union([Type.String(), Type.Null()]),
    tags: Type.Record(Type.String(), Type.String()),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Instance' },
);

/** `/v1/instances`: register external servers, create and run local ones. */
export function registerInstanceRoutes(
  app: App,
  deps: { instances: InstancesService; mutate: Mutate },
): void {
  const { instances, mutate } = deps;
  app.addSchema(InstanceSchema);
  app.post(
    '/v1/instances',
    {
      config: audit('CreateDBInstance'),
      schema: {
        tags,
        body: Type.Object(
          {
            name: Name,
            engine: Engine,
            provider: Type.Union(Providers.map((p) => Type.Literal(p))),
            version: Type.Optional(Type.String({ maxLength: 32 })),
            url: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
            deletionProtection: Type.Optional(Type.Boolean()),
            tags: Type.Optional(Type.Record(Type.String(), Type.String())),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Ref('Instance'), 202: Type.Ref('Instance'), ...errorResponses(409) },
      },
    },
    async (request, reply) => {
      reply.status(request.body.provider === 'local' ? 202 : 201);
      return mutate(request, reply, async (tx) => {
        const instance = await instances.create(tx, { ...request.body, accountId: account(request) });
        return { result: instance, resourceArn: instance.arn, responseElements: { ...instance } };
      });
    },
  );
  app.get(
    '/v1/instances',
    {
      schema: {
        tags,
        querystring: PageQuery,
        response: {
          200: Type.Object({
            instances: Type.Array(Type.Ref('Instance')),
            nextToken: Type.Optional(Type.String()),
          }),
        },
      },
    },
    async (request) =>
      instances.list({
        accountId: account(request),
        limit: request.query.limit ?? 50,
        nextToken: request.query.nextToken,
      }),
  );
  app.get(
    '/v1/instances/:name',
    { schema: { tags, params: NameParams, response: { 200: Type.Ref('Instance'), ...errorResponses(404) } } },
    async (request) => instances.describe({ accountId: account(request), name: request.params.name }),
  );
  for (const action of ['start', 'stop', 'reboot'] as const) {
    app.post(
      `/v1/instances/:name/${action}`,
      {
        config: audit(`${action[0]?.toUpperCase()}${action.slice(1)}DBInstance`),
        schema: {
          tags,
          params: NameParams,
          response: { 202: Type.Ref('Instance'), ...errorResponses(404, 409) },
        },
      },
      async (request, reply) => {
        reply.status(202);
        return mutate(request, reply, async (tx) => {
          const instance = await instances.act(tx, {
            accountId: account(request),
            name: request.params.name,
            action,
          });
          return { result: instance, resourceArn: instance.arn };
        });
      },
    );
  }
  app.delete(
    '/v1/instances/:name',
    {
      config: audit('DeleteDBInstance'),
      schema: {
        tags,
        params: NameParams,
        response: { 202: Type.Ref('Instance'), ...errorResponses(404, 409) },
      },
    },
    async (request, reply) => {
      reply.status(202);
      return mutate(request, reply, async (tx) => {
        const instance = await instances.remove(tx, {
          accountId: account(request),
          name: request.params.name,
        });
        return { result: instance, resourceArn: instance.arn };
      });
    },
  );
}
