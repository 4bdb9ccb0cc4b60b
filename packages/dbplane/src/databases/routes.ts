import { Type } from '@sinclair/typebox';
import type { Mutate } from '../api/mutation.js';
import { errorResponses, PageQuery } from '../api/schemas.js';
import type { App } from '../api/types.js';
import { DatabaseName, DatabaseSchema, Engine, Ttl, ttlSeconds } from './schemas.js';
import type { DatabasesService } from './service.js';

const tags = ['databases'];
const audit = (action: string) => ({ audit: { service: 'rds', action } });
const account = (r: { principal?: { accountId: string } | undefined }) => r.principal?.accountId ?? '';
const NameParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 80 }) });
const Body = Type.Object(
  {
    name: DatabaseName,
    engine: Engine,
    environment: Type.Optional(
      Type.String({ minLength: 1, maxLength: 80, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' }),
    ),
    ttl: Type.Optional(Ttl),
    instance: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })),
    dedicated: Type.Optional(Type.Boolean()),
    tags: Type.Optional(Type.Record(Type.String(), Type.String())),
  },
  { additionalProperties: false },
);

/** `/v1/databases`: self-service provisioning (POST and DELETE answer 202; workflows do the work). */
export function registerDatabaseRoutes(
  app: App,
  deps: { databases: DatabasesService; mutate: Mutate },
): void {
  const { databases, mutate } = deps;
  app.addSchema(DatabaseSchema);
  app.post(
    '/v1/databases',
    {
      config: audit('CreateDatabase'),
      schema: { tags, body: Body, response: { 202: Type.Ref('Database'), ...errorResponses(404, 409) } },
    },
    async (request, reply) => {
      reply.status(202);
      return mutate(request, reply, async (tx) => {
        const { ttl, ...rest } = request.body;
        const r = await databases.request(tx, { ...rest, ttl: ttlSeconds(ttl), accountId: account(request) });
        return {
          result: r.database,
          resourceArn: r.database.arn,
          responseElements: { ...r.database, newRequest: r.newRequest },
        };
      });
    },
  );
  app.get(
    '/v1/databases',
    {
      schema: {
        tags,
        querystring: Type.Composite([PageQuery, Type.Object({ environment: Type.Optional(Type.String()) })]),
        response: {
          200: Type.Object({
            databases: Type.Array(Type.Ref('Database')),
            nextToken: Type.Optional(Type.String()),
          }),
        },
      },
    },
    async (request) =>
      databases.list({
        accountId: account(request),
        limit: request.query.limit ?? 50,
        nextToken: request.query.nextToken,
        ...(request.query.environment === undefined ? {} : { environment: request.query.environment }),
      }),
  );
  app.get(
    '/v1/databases/:name',
    { schema: { tags, params: NameParams, response: { 200: Type.Ref('Database'), ...errorResponses(404) } } },
    async (request) => databases.describe({ accountId: account(request), name: request.params.name }),
  );
  app.delete(
    '/v1/databases/:name',
    {
      config: audit('DeleteDatabase'),
      schema: {
        tags,
        params: NameParams,
        response: { 202: Type.Ref('Database'), ...errorResponses(404, 409) },
      },
    },
    async (request, reply) => {
      reply.status(202);
      return mutate(request, reply, async (tx) => {
        const r = await databases.remove(tx, { accountId: account(request), name: request.params.name });
        return {
          result: r.database,
          resourceArn: r.database.arn,
          responseElements: { ...r.database, newRequest: r.newRequest },
        };
      });
    },
  );
  app.post(
    '/v1/databases/:name/extend',
    {
      config: audit('ExtendDatabase'),
      schema: {
        tags,
        params: NameParams,
        body: Type.Object({ ttl: Ttl }, { additionalProperties: false }),
        response: { 200: Type.Ref('Database'), ...errorResponses(404, 409) },
      },
    },
    async (request, reply) =>
      mutate(request, reply, async (tx) => {
        const seconds = ttlSeconds(request.body.ttl) ?? 0;
        const db = await databases.extend(tx, {
          accountId: account(request),
          name: request.params.name,
          ttl: seconds,
        });
        return { result: db, resourceArn: db.arn };
      }),
  );
}
