import { Type } from '@sinclair/typebox';
import type { Mutate } from '../api/mutation.js';
import { errorResponses, Name } from '../api/schemas.js';
import type { App } from '../api/types.js';
import type { EnvironmentsService } from './environments.js';
import { EnvironmentFields, EnvironmentSchema } from './schemas.js';

const tags = ['environments'];
const audit = (action: string) => ({ audit: { service: 'rds', action } });
const account = (r: { principal?: { accountId: string } | undefined }) => r.principal?.accountId ?? '';
const NameParams = Type.Object({ name: Name });

/** `/v1/environments`: placement and limits of database requests. */
export function registerEnvironmentRoutes(
  app: App,
  deps: { environments: EnvironmentsService; mutate: Mutate },
): void {
  const { environments, mutate } = deps;
  app.addSchema(EnvironmentSchema);
  app.post(
    '/v1/environments',
    {
      config: audit('CreateEnvironment'),
      schema: {
        tags,
        body: Type.Object({ name: Name, ...EnvironmentFields }, { additionalProperties: false }),
        response: { 201: Type.Ref('Environment'), ...errorResponses(409) },
      },
    },
    async (request, reply) => {
      reply.status(201);
      return mutate(request, reply, async (tx) => {
        const env = await environments.create(tx, { ...request.body, accountId: account(request) });
        return { result: env, resourceArn: env.arn };
      });
    },
  );
  app.put(
    '/v1/environments/:name',
    {
      config: audit('UpdateEnvironment'),
      schema: {
        tags,
        params: NameParams,
        body: Type.Object(EnvironmentFields, { additionalProperties: false }),
        response: { 200: Type.Ref('Environment'), ...errorResponses(404) },
      },
    },
    async (request, reply) =>
      mutate(request, reply, async (tx) => {
        const env = await environments.update(tx, {
          ...request.body,
          accountId: account(request),
          name: request.params.name,
        });
        return { result: env, resourceArn: env.arn };
      }),
  );
  app.get(
    '/v1/environments',
    {
      schema: { tags, response: { 200: Type.Object({ environments: Type.Array(Type.Ref('Environment')) }) } },
    },
    async (request) => ({ environments: await environments.list({ accountId: account(request) }) }),
  );
  app.get(
    '/v1/environments/:name',
    {
      schema: {
        tags,
        params: NameParams,
        response: { 200: Type.Ref('Environment'), ...errorResponses(404) },
      },
    },
    async (request) => environments.describe({ accountId: account(request), name: request.params.name }),
  );
  app.delete(
    '/v1/environments/:name',
    {
      config: audit('DeleteEnvironment'),
      schema: {
        tags,
        params: NameParams,
        response: {
          200: Type.Object({ name: Type.String(), deleted: Type.Boolean() }),
          ...errorResponses(404, 409),
        },
      },
    },
    async (request, reply) =>
      mutate(request, reply, async (tx) => {
        await environments.remove(tx, { accountId: account(request), name: request.params.name });
        return { result: { name: request.params.name, deleted: true } };
      }),
  );
}
