import { Type } from '@sinclair/typebox';
import type { Mutate } from '../api/mutation.js';
import { errorResponses, Name, PageQuery } from '../api/schemas.js';
import type { App } from '../api/types.js';
import { DatabaseName } from '../databases/schemas.js';
import { AccountId, SnapshotName, SnapshotSchema } from './schemas.js';
import type { SnapshotsService } from './service.js';

const tags = ['snapshots'];
const audit = (action: string) => ({ audit: { service: 'rds', action } });
const account = (r: { principal?: { accountId: string } | undefined }) => r.principal?.accountId ?? '';
/** A name, or for a snapshot shared with the caller its ARN (URL-encoded). */
const RefParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 256 }) });
const CreateBody = Type.Object(
  {
    name: SnapshotName,
    database: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })),
    /** A local PostgreSQL instance: a physical snapshot. */
    instance: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })),
    tags: Type.Optional(Type.Record(Type.String(), Type.String())),
  },
  { additionalProperties: false },
);
const RestoreBody = Type.Object(
  {
    databaseName: Type.Optional(DatabaseName),
    instance: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })),
    /** A new local instance, for a physical snapshot. */
    instanceName: Type.Optional(Name),
  },
  { additionalProperties: false },
);
const ShareBody = Type.Object(
  {
    accountIds: Type.Array(AccountId, { maxItems: 100 }),
    removeAccountIds: Type.Optional(Type.Array(AccountId, { maxItems: 100 })),
  },
  { additionalProperties: false },
);

/** `/v1/snapshots`: CreateSnapshot and RestoreSnapshot answer 202; workflows do the work. */
export function registerSnapshotRoutes(
  app: App,
  deps: { snapshots: SnapshotsService; mutate: Mutate },
): void {
  const { snapshots, mutate } = deps;
  app.addSchema(SnapshotSchema);
  app.post(
    '/v1/snapshots',
    {
      config: audit('CreateSnapshot'),
      schema: {
        tags,
        body: CreateBody,
        response: { 202: Type.Ref('Snapshot'), ...errorResponses(404, 409) },
      },
    },
    async (request, reply) => {
      reply.status(202);
      return mutate(request, reply, async (tx) => {
        const r = await snapshots.create(tx, { ...request.body, accountId: account(request) });
        return {
          result: r.snapshot,
          resourceArn: r.snapshot.arn,
          responseElements: { ...r.snapshot, newRequest: r.newRequest },
        };
      });
    },
  );
  app.get(
    '/v1/snapshots',
    {
      schema: {
        tags,
        querystring: Type.Composite([
          PageQuery,
          Type.Object({ region: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) }),
        ]),
        response: {
          200: Type.Object({
            snapshots: Type.Array(Type.Ref('Snapshot')),
            nextToken: Type.Optional(Type.String()),
          }),
        },
      },
    },
    async (request) =>
      snapshots.list({
        accountId: account(request),
        limit: request.query.limit ?? 50,
        nextToken: request.query.nextToken,
        region: request.query.region,
      }),
  );
  app.get(
    '/v1/snapshots/:name',
    { schema: { tags, params: RefParams, response: { 200: Type.Ref('Snapshot'), ...errorResponses(404) } } },
    async (request) => snapshots.describe({ accountId: account(request), ref: request.params.name }),
  );
  app.delete(
    '/v1/snapshots/:name',
    {
      config: audit('DeleteSnapshot'),
      schema: {
        tags,
        params: RefParams,
        response: { 200: Type.Ref('Snapshot'), ...errorResponses(404, 409) },
      },
    },
    async (request, reply) =>
      mutate(request, reply, async (tx) => {
        const s = await snapshots.remove(tx, { accountId: account(request), name: request.params.name });
        return { result: s, resourceArn: s.arn };
      }),
  );
  app.post(
    '/v1/snapshots/:name/share',
    {
      config: audit('ModifySnapshotAttribute'),
      schema: {
        tags,
        params: RefParams,
        body: ShareBody,
        response: { 200: Type.Ref('Snapshot'), ...errorResponses(404) },
      },
    },
    async (request, reply) =>
      mutate(request, reply, async (tx) => {
        const s = await snapshots.share(tx, {
          accountId: account(request),
          name: request.params.name,
          ...request.body,
        });
        return { result: s, resourceArn: s.arn };
      }),
  );
  app.post(
    '/v1/snapshots/:name/restore',
    {
      config: audit('RestoreSnapshot'),
      schema: {
        tags,
        params: RefParams,
        body: RestoreBody,
        response: {
          202: Type.Object({
            database: Type.Optional(Type.Ref('Database')),
            instance: Type.Optional(Type.Ref('Instance')),
            snapshot: Type.Ref('Snapshot'),
            executionArn: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errorResponses(404, 409),
        },
      },
    },
    async (request, reply) => {
      reply.status(202);
      return mutate(request, reply, async (tx) => {
        const r = await snapshots.restore(tx, {
          accountId: account(request),
          ref: request.params.name,
          ...request.body,
        });
        const { newRequest, ...result } = r;
        return {
          result,
          resourceArn: r.snapshot.arn,
          responseElements: { ...result, newRequest },
        };
      });
    },
  );
}
