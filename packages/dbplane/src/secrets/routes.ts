import { Type } from '@sinclair/typebox';
import type { Mutate } from '../api/mutation.js';
import { errorResponses, PageQuery } from '../api/schemas.js';
import type { App } from '../api/types.js';
import type { AuditService } from '../audit/service.js';
import type { Pool } from '../store/db.js';
import { auditFailedRead } from './read-audit.js';
import { registerRotationRoutes } from './rotation/routes.js';
import type { RotationService } from './rotation/service.js';
import { Ack, Description, SecretId, SecretName, Stage, Tags, Token, Value, ValueAnswer } from './schemas.js';
import type { SecretsService } from './service.js';

const tags = ['secrets'];
const audit = (action: string) => ({ audit: { service: 'secretsmanager', action } });
const account = (r: { principal?: { accountId: string } | undefined }) => r.principal?.accountId ?? '';
/** What audit records keep of an answer: never a value. */
const meta = (r: { arn: string; name: string; versionId?: string; versionStages?: string[] }) => ({
  arn: r.arn,
  name: r.name,
  versionId: r.versionId,
  versionStages: r.versionStages,
});

/** `/v1/secrets`: secrets with Secrets Manager semantics; with `rotation`, also `.../rotate`. */
export function registerSecretRoutes(
  app: App,
  deps: {
    secrets: SecretsService;
    mutate: Mutate;
    audit: AuditService;
    pool: Pool;
    rotation?: RotationService | undefined;
  },
): void {
  const { secrets, mutate } = deps;
  app.addSchema(Description);
  app.addSchema(ValueAnswer);
  app.post(
    '/v1/secrets',
    {
      config: audit('CreateSecret'),
      schema: {
        tags,
        body: Type.Object(
          {
            name: SecretName,
            description: Type.Optional(Type.String({ maxLength: 2048 })),
            kmsKeyId: Type.Optional(Type.String()),
            tags: Type.Optional(Tags),
            clientRequestToken: Type.Optional(Token),
            ...Value,
          },
          { additionalProperties: false },
        ),
        response: { 201: Ack, ...errorResponses(409) },
      },
    },
    async (request, reply) => {
      reply.status(201);
      return mutate(request, reply, async (tx) => {
        const r = await secrets.create(tx, { ...request.body, accountId: account(request) });
        return { result: r, resourceArn: r.arn, responseElements: meta(r) };
      });
    },
  );
  app.get(
    '/v1/secrets',
    {
      schema: {
        tags,
        querystring: Type.Composite([
          PageQuery,
          Type.Object({
            prefix: Type.Optional(Type.String()),
            tagKey: Type.Optional(Type.String()),
            tagValue: Type.Optional(Type.String()),
            includePlannedDeletion: Type.Optional(Type.Boolean()),
          }),
        ]),
        response: {
          200: Type.Object({
            secrets: Type.Array(Type.Ref('SecretDescription')),
            nextToken: Type.Optional(Type.String()),
          }),
        },
      },
    },
    async (request) =>
      secrets.list({ ...request.query, accountId: account(request), limit: request.query.limit ?? 50 }),
  );
  app.get(
    '/v1/secrets/:name',
    {
      schema: {
        tags,
        params: SecretId,
        response: { 200: Type.Ref('SecretDescription'), ...errorResponses(404) },
      },
    },
    async (request) => secrets.describe({ accountId: account(request), name: request.params.name }),
  );
  app.get(
    '/v1/secrets/:name/value',
    {
      onSend: auditFailedRead(deps),
      config: { ...audit('GetSecretValue'), permission: 'write' },
      schema: {
        tags,
        params: SecretId,
        querystring: Type.Object({
          versionId: Type.Optional(Type.String()),
          versionStage: Type.Optional(Stage),
        }),
        response: { 200: Type.Ref('SecretValue'), ...errorResponses(404) },
      },
    },
    async (request, reply) =>
      mutate(request, reply, async (tx) => {
        const r = await secrets.getValue(
          { ...request.query, accountId: account(request), name: request.params.name },
          tx,
        );
        return { result: r, resourceArn: r.arn, responseElements: meta(r) };
      }),
  );
  app.put(
    '/v1/secrets/:name/value',
    {
      config: audit('PutSecretValue'),
      schema: {
        tags,
        params: SecretId,
        body: Type.Object(
          {
            clientRequestToken: Type.Optional(Token),
            versionStages: Type.Optional(Type.Array(Stage, { minItems: 1, maxItems: 20 })),
            ...Value,
          },
          { additionalProperties: false },
        ),
        response: { 200: Ack, ...errorResponses(404, 409) },
      },
    },
    async (request, reply) =>
      mutate(request, reply, async (tx) => {
        const r = await secrets.putValue(tx, {
          ...request.body,
          accountId: account(request),
          name: request.params.name,
        });
        return { result: r, resourceArn: r.arn, responseElements: meta(r) };
      }),
  );
  registerSecretActions(app, deps);
  if (deps.rotation !== undefined) registerRotationRoutes(app, { rotation: deps.rotation, mutate });
}

function registerSecretActions(app: App, deps: { secrets: SecretsService; mutate: Mutate }): void {
  const { secrets, mutate } = deps;
  const ref = (r: { principal?: { accountId: string } | undefined; params: { name: string } }) => ({
    accountId: account(r),
    name: r.params.name,
  });
  app.patch(
    '/v1/secrets/:name',
    {
      config: audit('UpdateSecret'),
      schema: {
        tags,
        params: SecretId,
        body: Type.Object(
          {
            description: Type.Optional(Type.String({ maxLength: 2048 })),
            kmsKeyId: Type.Optional(Type.String()),
            tags: Type.Optional(Tags),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref('SecretDescription'), ...errorResponses(404) },
      },
    },
    async (request, reply) =>
      mutate(request, reply, async (tx) => {
        const r = await secrets.update(tx, { ...request.body, ...ref(request) });
        return { result: r, resourceArn: r.arn };
      }),
  );
  app.delete(
    '/v1/secrets/:name',
    {
      config: audit('DeleteSecret'),
      schema: {
        tags,
        params: SecretId,
        querystring: Type.Object({
          recoveryWindowInDays: Type.Optional(Type.Integer()),
          forceDeleteWithoutRecovery: Type.Optional(Type.Boolean()),
        }),
        response: { 200: Ack, ...errorResponses(404) },
      },
    },
    async (request, reply) =>
      mutate(request, reply, async (tx) => {
        const r = await secrets.scheduleDeletion(tx, { ...request.query, ...ref(request) });
        return { result: r, resourceArn: r.arn };
      }),
  );
  app.post(
    '/v1/secrets/:name/restore',
    {
      config: audit('RestoreSecret'),
      schema: { tags, params: SecretId, response: { 200: Ack, ...errorResponses(404) } },
    },
    async (request, reply) =>
      mutate(request, reply, async (tx) => {
        const r = await secrets.restore(tx, ref(request));
        return { result: r, resourceArn: r.arn };
      }),
  );
  app.post(
    '/v1/secrets/:name/stages',
    {
      config: audit('UpdateSecretVersionStage'),
      schema: {
        tags,
        params: SecretId,
        body: Type.Object(
          {
            versionStage: Stage,
            moveToVersionId: Type.Optional(Type.String()),
            removeFromVersionId: Type.Optional(Type.String()),
          },
          { additionalProperties: false },
        ),
        response: { 200: Ack, ...errorResponses(404) },
      },
    },
    async (request, reply) =>
      mutate(request, reply, async (tx) => {
        const r = await secrets.updateVersionStage(tx, { ...request.body, ...ref(request) });
        return { result: r, resourceArn: r.arn };
      }),
  );
}
