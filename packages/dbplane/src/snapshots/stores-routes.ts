import { Type } from '@sinclair/typebox';
import type { Mutate } from '../api/mutation.js';
import { errorResponses } from '../api/schemas.js';
import type { App, Services } from '../api/types.js';

const tags = ['snapshots'];
const audit = (action: string) => ({ audit: { service: 'rds', action }, permission: 'admin' as const });
const RegionParams = Type.Object({
  region: Type.String({ pattern: '^[a-z]{2,}(-[a-z0-9]+)*-[0-9]+$', maxLength: 64 }),
});
const DirectoryBody = Type.Object(
  { type: Type.Literal('directory'), path: Type.String({ minLength: 1, maxLength: 4096 }) },
  { additionalProperties: false },
);
const S3Body = Type.Object(
  {
    type: Type.Literal('s3'),
    bucket: Type.String({ pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$' }),
    prefix: Type.Optional(Type.String({ maxLength: 512 })),
    endpoint: Type.Optional(Type.String({ pattern: '^https?://', maxLength: 2048 })),
    s3Region: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    forcePathStyle: Type.Optional(Type.Boolean()),
    accessKeyId: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    secretAccessKey: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  },
  { additionalProperties: false },
);
const StoreSchema = Type.Object(
  {
    region: Type.String(),
    type: Type.Union([Type.Literal('directory'), Type.Literal('s3')]),
    location: Type.String(),
    local: Type.Boolean(),
    reachable: Type.Boolean(),
    reason: Type.Optional(Type.String()),
  },
  { $id: 'SnapshotStore' },
);

/** `/v1/snapshot-stores`: each region's snapshot store (secrets are never answered). */
export function registerSnapshotStoreRoutes(app: App, deps: { services: Services; mutate: Mutate }): void {
  const { snapshotStores: stores, snapshotCopies: copies } = deps.services;
  const { mutate } = deps;
  app.addSchema(StoreSchema);
  app.get(
    '/v1/snapshot-stores',
    { schema: { tags, response: { 200: Type.Object({ stores: Type.Array(Type.Ref('SnapshotStore')) }) } } },
    async () => ({ stores: await stores.list() }),
  );
  app.put(
    '/v1/snapshot-stores/:region',
    {
      config: audit('PutSnapshotStore'),
      schema: {
        tags,
        params: RegionParams,
        body: Type.Union([DirectoryBody, S3Body]),
        response: { 200: Type.Ref('SnapshotStore'), ...errorResponses(409) },
      },
    },
    async (request, reply) =>
      mutate(request, reply, async (tx) => {
        const { secretAccessKey, ...settings } = request.body as typeof request.body & {
          secretAccessKey?: string;
        };
        const view = await stores.put(tx, request.params.region, settings, secretAccessKey);
        // the copy and dr-copy machines, so that a dr-copy can be started by hand or by a rule
        await copies.ensureBuiltins(tx, request.principal?.accountId ?? '');
        return { result: view, resourceArn: null };
      }),
  );
  app.delete(
    '/v1/snapshot-stores/:region',
    {
      config: audit('DeleteSnapshotStore'),
      schema: {
        tags,
        params: RegionParams,
        response: { 200: Type.Ref('SnapshotStore'), ...errorResponses(404, 409) },
      },
    },
    async (request, reply) =>
      mutate(request, reply, async (tx) => ({
        result: await stores.remove(tx, request.params.region),
        resourceArn: null,
      })),
  );
}
