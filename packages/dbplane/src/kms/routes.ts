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

/** `/v1/kms-keys`: the region's key-encryption keys (metadata only; material never leaves the node). */
export function registerKmsRoutes(app: App, deps: { keyring: Keyring; mutate: Mutate }): void {
  const { keyring, mutate } = deps;
  app.addSchema(KeySchema);
  app.get(
    '/v1/kms-keys',
    { schema: { tags, response: { 200: Type.Object({ keys: Type.Array(Type.Ref('KmsKey')) }) } } },
    async (request) => ({ keys: keyring.list(account(request)) }),
  );
  app.get(
    '/v1/kms-keys/:keyId',
    { schema: { tags, params: KeyParams, response: { 200: Type.Ref('KmsKey'), ...errorResponses(404) } } },
    async (request) => keyring.describe(account(request), request.params.keyId),
  );
  app.post(
    '/v1/kms-keys',
    {
      config: { ...audit('CreateKey'), permission: 'admin' },
      schema: {
        tags,
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
        const key = keyring.create(account(request), request.body);
        return { result: key, resourceArn: key.arn };
      });
    },
  );
  app.post(
    '/v1/kms-keys/:keyId/rotate',
    {
      config: { ...audit('RotateKeyOnDemand'), permission: 'admin' },
      schema: { tags, params: KeyParams, response: { 200: Type.Ref('KmsKey'), ...errorResponses(404) } },
    },
    async (request, reply) =>
      mutate(request, reply, async () => {
        const key = keyring.rotate(account(request), request.params.keyId);
        return { result: key, resourceArn: key.arn };
      }),
  );
}
