import { Type } from '@sinclair/typebox';
import type { Mutate } from '../../api/mutation.js';
import { errorResponses } from '../../api/schemas.js';
import type { App } from '../../api/types.js';
import { RotationRules, SecretId, Token } from '../schemas.js';
import type { RotationService } from './service.js';

const tags = ['secrets'];
const account = (r: { principal?: { accountId: string } | undefined }) => r.principal?.accountId ?? '';

const RotateAnswer = Type.Object({
  arn: Type.String(),
  name: Type.String(),
  versionId: Type.Optional(Type.String()),
  executionArn: Type.Optional(Type.String()),
});

/**
 * `POST /v1/secrets/{name}/rotate` (RotateSecret, 202: the built-in workflow
 * does the work) and `POST /v1/secrets/{name}/cancel-rotation` (CancelRotateSecret).
 */
export function registerRotationRoutes(app: App, deps: { rotation: RotationService; mutate: Mutate }): void {
  const { rotation, mutate } = deps;
  app.post(
    '/v1/secrets/:name/rotate',
    {
      config: { audit: { service: 'secretsmanager', action: 'RotateSecret' } },
      schema: {
        tags,
        params: SecretId,
        body: Type.Optional(
          Type.Object(
            {
              rotationRules: Type.Optional(RotationRules),
              rotateImmediately: Type.Optional(Type.Boolean()),
              clientRequestToken: Type.Optional(Token),
            },
            { additionalProperties: false },
          ),
        ),
        response: { 202: RotateAnswer, ...errorResponses(404, 409) },
      },
    },
    async (request, reply) => {
      reply.status(202);
      return mutate(request, reply, async (tx) => {
        const r = await rotation.rotate(tx, {
          ...(request.body ?? {}),
          accountId: account(request),
          name: request.params.name,
        });
        return { result: r, resourceArn: r.arn };
      });
    },
  );
  app.post(
    '/v1/secrets/:name/cancel-rotation',
    {
      config: { audit: { service: 'secretsmanager', action: 'CancelRotateSecret' } },
      schema: { tags, params: SecretId, response: { 200: RotateAnswer, ...errorResponses(404) } },
    },
    async (request, reply) =>
      mutate(request, reply, async (tx) => {
        const r = await rotation.cancel(tx, { accountId: account(request), name: request.params.name });
        return { result: r, resourceArn: r.arn };
      }),
  );
}
