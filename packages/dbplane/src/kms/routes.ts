import { Type } from '@sinclair/typebox';
import type { Mutate } from '../api/mutation.js';
import { errorResponses } from '../api/schemas.js';
import type { App } from '../api/types.js';
import type { Keyring } from './keyring.js';

const tags = ['kms'];
const audit = (action: string) => ({ audit: { service: 'kms', action } });
const account = (r: { principal?: { accountId: string } | undefined }) => r.principal?.accountId ?? '';
/** A key id, key ARN or alias (URL-encode the slashes of `alias/...`). */
const KeyParams = Type.Object({ keyId: Type.String({ minLength: 1, maxLength: 2048 }) });
const KeySchema = Type.Object(
  {
    keyId: Type.String(),
    arn: Type.String(),
    alias: Type.Union([Type.String(), Type.Null()]),
    description: Type.String(),
    currentVersion: Type.Integer(),
    versions: Type.Array(Type.Object({ version: Type.Integer(), createdAt: Type.String() })),
    createdAt: Type.String(),
  },
  { $id: 'KmsKey' },
);

/** `?region=`: another region's keys (the keys a copy to that region is encrypted under); this node's by default. */
const RegionQuery = Type.Object(
  { region: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9-]{0,62}$' })) },
  { additionalProperties: false },
);

/**
 * `/v1/kms-keys`: the key-encryption keys of this node's region, or of
 * another with `?region=` (metadata only; material never leaves the node).
 */
export function registerKmsRoutes(app: App, deps: { keyring: Keyring; mutate: Mutate }): void {
  const { mutate } = deps;
  const ring = (r: { query: { region?: string | undefined } }) =>
    deps.keyring.forRegion(r.query.region ?? deps.keyring.region);
  app.addSchema(KeySchema);
  app.get(
    '/v1/kms-keys',
    {
      schema: {
        tags,
        querystring: RegionQuery,
        response: { 200: Type.Object({ keys: Type.Array(Type.Ref('KmsKey')) }) },
      },
    },
    async (request) => ({ keys: ring(request).list(account(request)) }),
  );
  app.get(
    '/v1/kms-keys/:keyId',
    {
      schema: {
        tags,
        params: KeyParams,
        querystring: RegionQuery,
        response: { 200: Type.Ref('KmsKey'), ...errorResponses(404) },
      },
    },
    async (request) => ring(request).describe(account(request), request.params.keyId),
  );
  app.post(
    '/v1/kms-keys',
    {
      config: { ...audit('CreateKey'), permission: 'admin' },
      schema: {
        tags,
        querystring: RegionQuery,
        body: Type.Object(
          {
            alias: Type.Optional(Type.String({ pattern: '^alias/[A-Za-z0-9/_-]{1,250}$' })),
            description: Type.Optional(Type.String({ maxLength: 8192 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Ref('KmsKey'), ...errorResponses(409) },
      },
    },
    async (request, reply) => {
      reply.status(201);
      return mutate(request, reply, async () => {
        const key = ring(request).create(account(request), request.body);
        return { result: key, resourceArn: key.arn };
      });
    },
  );
  app.post(
    '/v1/kms-keys/:keyId/rotate',
    {
      config: { ...audit('RotateKeyOnDemand'), permission: 'admin' },
      schema: {
        tags,
        params: KeyParams,
        querystring: RegionQuery,
        response: { 200: Type.Ref('KmsKey'), ...errorResponses(404) },
      },
    },
    async (request, reply) =>
      mutate(request, reply, async () => {
        const key = ring(request).rotate(account(request), request.params.keyId);
        return { result: key, resourceArn: key.arn };
      }),
  );
}
