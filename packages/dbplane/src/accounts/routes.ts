import { Type } from '@sinclair/typebox';
import type { Mutate } from '../api/mutation.js';
import { errorResponses, Name, PageQuery } from '../api/schemas.js';
import type { App } from '../api/types.js';
import type { AccountsService } from './service.js';
import { Roles } from './types.js';

const Role = Type.Union(Roles.map((r) => Type.Literal(r)));
const ApiKeySchema = Type.Object(
  {
    arn: Type.String(),
    id: Type.String(),
    name: Type.String(),
    role: Role,
    description: Type.String(),
    status: Type.Union([Type.Literal('active'), Type.Literal('revoked')]),
    createdAt: Type.String({ format: 'date-time' }),
    createdBy: Type.Union([Type.String(), Type.Null()]),
    revokedAt: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'ApiKey' },
);
const CreatedApiKey = Type.Intersect([Type.Ref('ApiKey'), Type.Object({ secret: Type.String() })]);
const CreateBody = Type.Object(
  { name: Name, role: Role, description: Type.Optional(Type.String({ maxLength: 1024 })) },
  { additionalProperties: false },
);
const NameParams = Type.Object({ name: Name });
const tags = ['api-keys'];

/** `/v1/api-keys`: create (the secret is shown once), list, describe, revoke. */
export function registerApiKeyRoutes(app: App, deps: { accounts: AccountsService; mutate: Mutate }): void {
  const { accounts, mutate } = deps;
  app.addSchema(ApiKeySchema);
  app.post(
    '/v1/api-keys',
    {
      config: { permission: 'admin', audit: { service: 'iam', action: 'CreateApiKey' } },
      schema: { tags, body: CreateBody, response: { 201: CreatedApiKey, ...errorResponses(409) } },
    },
    async (request, reply) => {
      const principal = request.principal;
      if (principal === undefined) throw new Error('unreachable: authenticated route without principal');
      reply.status(201);
      return mutate(request, reply, async (tx) => {
        const key = await accounts.createKey(tx, {
          ...request.body,
          accountId: principal.accountId,
          createdBy: principal.keyName,
        });
        return { result: key, resourceArn: key.arn };
      });
    },
  );
  app.get(
    '/v1/api-keys',
    {
      config: { permission: 'admin' },
      schema: {
        tags,
        querystring: PageQuery,
        response: {
          200: Type.Object({
            apiKeys: Type.Array(Type.Ref('ApiKey')),
            nextToken: Type.Optional(Type.String()),
          }),
          ...errorResponses(),
        },
      },
    },
    async (request) =>
      accounts.listKeys({
        accountId: request.principal?.accountId ?? '',
        limit: request.query.limit ?? 50,
        nextToken: request.query.nextToken,
      }),
  );
  app.get(
    '/v1/api-keys/:name',
    {
      config: { permission: 'admin' },
      schema: { tags, params: NameParams, response: { 200: Type.Ref('ApiKey'), ...errorResponses(404) } },
    },
    async (request) =>
      accounts.getKey({ accountId: request.principal?.accountId ?? '', name: request.params.name }),
  );
  app.delete(
    '/v1/api-keys/:name',
    {
      config: { permission: 'admin', audit: { service: 'iam', action: 'RevokeApiKey' } },
      schema: {
        tags,
        params: NameParams,
        response: { 200: Type.Ref('ApiKey'), ...errorResponses(404, 409) },
      },
    },
    async (request, reply) =>
      mutate(request, reply, async (tx) => {
        const key = await accounts.revokeKey(tx, {
          accountId: request.principal?.accountId ?? '',
          name: request.params.name,
        });
        return { result: key, resourceArn: key.arn };
      }),
  );
}
