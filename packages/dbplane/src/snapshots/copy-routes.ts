import { Type } from '@sinclair/typebox';
import type { Mutate } from '../api/mutation.js';
import { errorResponses } from '../api/schemas.js';
import type { App, Services } from '../api/types.js';
import { SnapshotName } from './schemas.js';

const tags = ['snapshots'];
const audit = (action: string) => ({ audit: { service: 'rds', action } });
const account = (r: { principal?: { accountId: string } | undefined }) => r.principal?.accountId ?? '';
const RefParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 256 }) });
const Region = Type.String({ pattern: '^[a-z]{2,}(-[a-z0-9]+)*-[0-9]+$', maxLength: 64 });
const CopyBody = Type.Object(
  {
    targetRegion: Region,
    targetName: Type.Optional(SnapshotName),
    kmsKeyId: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
  },
  { additionalProperties: false },
);
const CopyProgressSchema = Type.Object({
  snapshot: Type.String(),
  sourceArn: Type.String(),
  targetRegion: Type.String(),
  partsTotal: Type.Union([Type.Integer(), Type.Null()]),
  partsDone: Type.Integer(),
  partsWritten: Type.Integer(),
  resumedFromPart: Type.Union([Type.Integer(), Type.Null()]),
  attempts: Type.Integer(),
});
const SourceParams = Type.Object({ source: Type.String({ minLength: 1, maxLength: 80 }) });
const SourceType = Type.Union([Type.Literal('database'), Type.Literal('instance')]);
const SourceQuery = Type.Object({ sourceType: Type.Optional(SourceType) });
const PolicyBody = Type.Object(
  {
    sourceType: Type.Optional(SourceType),
    keepLast: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
    keepDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 36_500 })),
  },
  { additionalProperties: false },
);
const PolicySchema = Type.Object(
  {
    sourceType: SourceType,
    source: Type.String(),
    keepLast: Type.Union([Type.Integer(), Type.Null()]),
    keepDays: Type.Union([Type.Integer(), Type.Null()]),
    updatedAt: Type.String(),
  },
  { $id: 'SnapshotRetention' },
);

/** `POST/GET /v1/snapshots/{name}/copy` and `/v1/snapshot-retention[/{source}]`. */
export function registerSnapshotCopyRoutes(app: App, deps: { services: Services; mutate: Mutate }): void {
  const { snapshotCopies: copies, snapshotRetention: retention } = deps.services;
  const { mutate } = deps;
  app.addSchema(PolicySchema);
  app.post(
    '/v1/snapshots/:name/copy',
    {
      config: audit('CopySnapshot'),
      schema: {
        tags,
        params: RefParams,
        body: CopyBody,
        response: { 202: Type.Ref('Snapshot'), ...errorResponses(403, 404, 409) },
      },
    },
    async (request, reply) => {
      reply.status(202);
      return mutate(request, reply, async (tx) => {
        const r = await copies.request(tx, {
          ...request.body,
          accountId: account(request),
          ref: request.params.name,
        });
        return {
          result: r.snapshot,
          resourceArn: r.snapshot.arn,
          responseElements: { ...r.snapshot, newRequest: r.newRequest },
        };
      });
    },
  );
  app.get(
    '/v1/snapshots/:name/copy',
    { schema: { tags, params: RefParams, response: { 200: CopyProgressSchema, ...errorResponses(404) } } },
    async (request) => copies.progress({ accountId: account(request), ref: request.params.name }),
  );
  app.get(
    '/v1/snapshot-retention',
    {
      schema: {
        tags,
        response: { 200: Type.Object({ policies: Type.Array(Type.Ref('SnapshotRetention')) }) },
      },
    },
    async (request) => ({ policies: await retention.list(account(request)) }),
  );
  app.get(
    '/v1/snapshot-retention/:source',
    {
      schema: {
        tags,
        params: SourceParams,
        querystring: SourceQuery,
        response: { 200: Type.Ref('SnapshotRetention'), ...errorResponses(404) },
      },
    },
    async (request) =>
      retention.get({
        accountId: account(request),
        sourceType: request.query.sourceType ?? 'database',
        source: request.params.source,
      }),
  );
  app.put(
    '/v1/snapshot-retention/:source',
    {
      config: audit('PutSnapshotRetention'),
      schema: {
        tags,
        params: SourceParams,
        body: PolicyBody,
        response: { 200: Type.Ref('SnapshotRetention') },
      },
    },
    async (request, reply) =>
      mutate(request, reply, async (tx) => {
        const accountId = account(request);
        await copies.ensureBuiltins(tx, accountId);
        const policy = await retention.put(tx, {
          ...request.body,
          accountId,
          sourceType: request.body.sourceType ?? 'database',
          source: request.params.source,
        });
        return { result: policy, resourceArn: null };
      }),
  );
  app.delete(
    '/v1/snapshot-retention/:source',
    {
      config: audit('DeleteSnapshotRetention'),
      schema: {
        tags,
        params: SourceParams,
        querystring: SourceQuery,
        response: { 200: Type.Ref('SnapshotRetention'), ...errorResponses(404) },
      },
    },
    async (request, reply) =>
      mutate(request, reply, async (tx) => ({
        result: await retention.remove(tx, {
          accountId: account(request),
          sourceType: request.query.sourceType ?? 'database',
          source: request.params.source,
        }),
        resourceArn: null,
      })),
  );
}
