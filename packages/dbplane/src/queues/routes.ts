import { Type } from '@sinclair/typebox';
import { abortOnDisconnect } from '../api/disconnect.js';
import type { Mutate } from '../api/mutation.js';
import { errorResponses, Name, PageQuery } from '../api/schemas.js';
import type { App } from '../api/types.js';
import type { QueuesService } from './service.js';

const tags = ['queues'];
const audit = (action: string) => ({ audit: { service: 'sqs', action } });
const account = (r: { principal?: { accountId: string } | undefined }) => r.principal?.accountId ?? '';
const NameParams = Type.Object({ name: Name });
const Attrs = {
  visibilityTimeoutSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 43_200 })),
  messageRetentionSeconds: Type.Optional(Type.Integer({ minimum: 60, maximum: 1_209_600 })),
  delaySeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 900 })),
  receiveWaitTimeSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 20 })),
  maxReceiveCount: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 1000 }), Type.Null()])),
  deadLetterQueue: Type.Optional(Type.Union([Name, Type.Null()])),
};
const QueueSchema = Type.Object(
  {
    arn: Type.String(),
    name: Type.String(),
    visibilityTimeoutSeconds: Type.Integer(),
    messageRetentionSeconds: Type.Integer(),
    delaySeconds: Type.Integer(),
    receiveWaitTimeSeconds: Type.Integer(),
    maxReceiveCount: Type.Union([Type.Integer(), Type.Null()]),
    deadLetterQueue: Type.Union([Type.String(), Type.Null()]),
    tags: Type.Record(Type.String(), Type.String()),
    approximateMessages: Type.Integer(),
    approximateMessagesNotVisible: Type.Integer(),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Queue' },
);
const MessageSchema = Type.Object(
  {
    messageId: Type.String(),
    receiptHandle: Type.String(),
    body: Type.String(),
    attributes: Type.Record(Type.String(), Type.String()),
    receiveCount: Type.Integer(),
    sentAt: Type.String({ format: 'date-time' }),
    firstReceivedAt: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'QueueMessage' },
);

/** `/v1/queues`: queues and their messages (SQS semantics). */
export function registerQueueRoutes(app: App, deps: { queues: QueuesService; mutate: Mutate }): void {
  const { queues, mutate } = deps;
  app.addSchema(QueueSchema);
  app.addSchema(MessageSchema);
  app.post(
    '/v1/queues',
    {
      config: audit('CreateQueue'),
      schema: {
        tags,
        body: Type.Object(
          { name: Name, ...Attrs, tags: Type.Optional(Type.Record(Type.String(), Type.String())) },
          { additionalProperties: false },
        ),
        response: { 201: Type.Ref('Queue'), ...errorResponses(409) },
      },
    },
    async (request, reply) => {
      reply.status(201);
      return mutate(request, reply, async (tx) => {
        const queue = await queues.create(tx, { ...request.body, accountId: account(request) });
        return { result: queue, resourceArn: queue.arn };
      });
    },
  );
  app.get(
    '/v1/queues',
    {
      schema: {
        tags,
        querystring: Type.Composite([
          PageQuery,
          Type.Object({ prefix: Type.Optional(Type.String({ maxLength: 80 })) }),
        ]),
        response: {
          200: Type.Object({
            queues: Type.Array(Type.Ref('Queue')),
            nextToken: Type.Optional(Type.String()),
          }),
        },
      },
    },
    async (request) =>
      queues.list({ ...request.query, accountId: account(request), limit: request.query.limit ?? 50 }),
  );
  app.get(
    '/v1/queues/:name',
    { schema: { tags, params: NameParams, response: { 200: Type.Ref('Queue'), ...errorResponses(404) } } },
    async (request) => queues.describe({ accountId: account(request), name: request.params.name }),
  );
  app.patch(
    '/v1/queues/:name',
    {
      config: audit('SetQueueAttributes'),
      schema: {
        tags,
        params: NameParams,
        body: Type.Object(Attrs, { additionalProperties: false }),
        response: { 200: Type.Ref('Queue'), ...errorResponses(404) },
      },
    },
    async (request, reply) =>
      mutate(request, reply, async (tx) => {
        const queue = await queues.update(tx, {
          ...request.body,
          accountId: account(request),
          name: request.params.name,
        });
        return { result: queue, resourceArn: queue.arn };
      }),
  );
  app.delete(
    '/v1/queues/:name',
    {
      config: audit('DeleteQueue'),
      schema: { tags, params: NameParams, response: { 200: Type.Ref('Queue'), ...errorResponses(404, 409) } },
    },
    async (request, reply) =>
      mutate(request, reply, async (tx) => {
        const queue = await queues.remove(tx, { accountId: account(request), name: request.params.name });
        return { result: queue, resourceArn: queue.arn };
      }),
  );
  registerQueueActions(app, deps);
  registerMessageRoutes(app, deps);
}

function registerQueueActions(app: App, deps: { queues: QueuesService; mutate: Mutate }): void {
  const { queues, mutate } = deps;
  app.post(
    '/v1/queues/:name/purge',
    {
      config: audit('PurgeQueue'),
      schema: {
        tags,
        params: NameParams,
        response: { 200: Type.Object({ deleted: Type.Integer() }), ...errorResponses(404) },
      },
    },
    async (request, reply) =>
      mutate(request, reply, async (tx) => ({
        result: await queues.purge(tx, { accountId: account(request), name: request.params.name }),
        resourceArn: queues.arnOf(account(request), request.params.name),
      })),
  );
  app.post(
    '/v1/queues/:name/redrive',
    {
      config: audit('StartMessageMoveTask'),
      schema: {
        tags,
        params: NameParams,
        body: Type.Object(
          {
            destination: Type.Optional(Name),
            max: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ moved: Type.Integer() }), ...errorResponses(404) },
      },
    },
    async (request, reply) =>
      mutate(request, reply, async (tx) => ({
        result: await queues.redrive(tx, {
          ...request.body,
          accountId: account(request),
          name: request.params.name,
        }),
        resourceArn: queues.arnOf(account(request), request.params.name),
      })),
  );
}

function registerMessageRoutes(app: App, deps: { queues: QueuesService }): void {
  const { queues } = deps;
  const config = { dataPlane: true };
  const Receipt = Type.Object(
    { receiptHandle: Type.String({ minLength: 1, maxLength: 128 }) },
    { additionalProperties: false },
  );
  app.post(
    '/v1/queues/:name/messages',
    {
      config,
      schema: {
        tags,
        params: NameParams,
        body: Type.Object(
          {
            body: Type.String({ minLength: 1, maxLength: 262_144 }),
            delaySeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 900 })),
            attributes: Type.Optional(Type.Record(Type.String(), Type.String(), { maxProperties: 10 })),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ messageId: Type.String(), md5OfBody: Type.String() }),
          ...errorResponses(404),
        },
      },
    },
    async (request, reply) => {
      reply.status(201);
      return queues.send({ ...request.body, accountId: account(request), name: request.params.name });
    },
  );
  app.post(
    '/v1/queues/:name/messages/receive',
    {
      config,
      schema: {
        tags,
        params: NameParams,
        body: Type.Object(
          {
            max: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
            waitSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 20 })),
            visibilityTimeoutSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 43_200 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ messages: Type.Array(Type.Ref('QueueMessage')) }),
          ...errorResponses(404),
        },
      },
    },
    async (request, reply) => {
      const abort = abortOnDisconnect(reply.raw);
      const messages = await queues.receive(
        { ...request.body, accountId: account(request), name: request.params.name },
        abort.signal,
      );
      return { messages };
    },
  );
  app.post(
    '/v1/queues/:name/messages/delete',
    {
      config,
      schema: {
        tags,
        params: NameParams,
        body: Receipt,
        response: { 204: Type.Null(), ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      await queues.deleteMessage({ ...request.body, accountId: account(request), name: request.params.name });
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/v1/queues/:name/messages/visibility',
    {
      config,
      schema: {
        tags,
        params: NameParams,
        body: Type.Composite(
          [Receipt, Type.Object({ visibilityTimeoutSeconds: Type.Integer({ minimum: 0, maximum: 43_200 }) })],
          {
            additionalProperties: false,
          },
        ),
        response: { 204: Type.Null(), ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      await queues.changeVisibility({
        ...request.body,
        accountId: account(request),
        name: request.params.name,
      });
      return reply.status(204).send(null);
    },
  );
}
