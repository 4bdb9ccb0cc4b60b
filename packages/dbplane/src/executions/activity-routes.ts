import { Type } from '@sinclair/typebox';
import { abortOnDisconnect } from '../api/disconnect.js';
import type { Mutate } from '../api/mutation.js';
import { errorResponses, Name } from '../api/schemas.js';
import type { App } from '../api/types.js';
import type { ActivitiesService } from './activities.js';

const tags = ['activities'];
const account = (r: { principal?: { accountId: string } | undefined }) => r.principal?.accountId ?? '';
const ActivitySchema = Type.Object(
  {
    activityArn: Type.String(),
    name: Type.String(),
    tags: Type.Record(Type.String(), Type.String()),
    creationDate: Type.String(),
  },
  { $id: 'Activity' },
);
const NameParams = Type.Object({ name: Name });

/** `/v1/activities`: create, list, describe, delete, and the workers' long poll. */
export function registerActivityRoutes(
  app: App,
  deps: { activities: ActivitiesService; mutate: Mutate },
): void {
  const { activities, mutate } = deps;
  app.addSchema(ActivitySchema);
  app.post(
    '/v1/activities',
    {
      config: { audit: { service: 'states', action: 'CreateActivity' } },
      schema: {
        tags,
        body: Type.Object(
          { name: Name, tags: Type.Optional(Type.Record(Type.String(), Type.String())) },
          { additionalProperties: false },
        ),
        response: { 201: Type.Ref('Activity'), ...errorResponses(409) },
      },
    },
    async (request, reply) => {
      reply.status(201);
      return mutate(request, reply, async (tx) => {
        const a = await activities.create(tx, { ...request.body, accountId: account(request) });
        return { result: a, resourceArn: a.activityArn };
      });
    },
  );
  app.get(
    '/v1/activities',
    { schema: { tags, response: { 200: Type.Object({ activities: Type.Array(Type.Ref('Activity')) }) } } },
    async (request) => activities.list({ accountId: account(request) }),
  );
  app.get(
    '/v1/activities/:name',
    { schema: { tags, params: NameParams, response: { 200: Type.Ref('Activity'), ...errorResponses(404) } } },
    async (request) => activities.describe({ accountId: account(request), name: request.params.name }),
  );
  app.delete(
    '/v1/activities/:name',
    {
      config: { audit: { service: 'states', action: 'DeleteActivity' } },
      schema: { tags, params: NameParams, response: { 200: Type.Ref('Activity'), ...errorResponses(404) } },
    },
    async (request, reply) =>
      mutate(request, reply, async (tx) => {
        const a = await activities.remove(tx, { accountId: account(request), name: request.params.name });
        return { result: a, resourceArn: a.activityArn };
      }),
  );
  app.post(
    '/v1/activities/:name/tasks',
    {
      config: { dataPlane: true },
      schema: {
        tags,
        params: NameParams,
        body: Type.Object(
          {
            workerName: Type.Optional(Type.String({ maxLength: 80 })),
            waitSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 60 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ taskToken: Type.Optional(Type.String()), input: Type.Optional(Type.String()) }),
          ...errorResponses(404),
        },
      },
    },
    async (request, reply) => {
      const abort = abortOnDisconnect(reply.raw);
      return activities.getTask(
        {
          accountId: account(request),
          name: request.params.name,
          workerName: request.body.workerName,
          waitSeconds: request.body.waitSeconds ?? 60,
        },
        abort.signal,
      );
    },
  );
}
