import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import { registerApiKeyRoutes } from '../accounts/routes.js';
import { registerAuditRoutes } from '../audit/routes.js';
import { registerBootstrapRoutes } from '../bootstrap/routes.js';
import { registerArchiveRoutes } from '../bus/archive-routes.js';
import { registerEventRoutes } from '../bus/routes.js';
import { registerRuleRoutes } from '../bus/rule-routes.js';
import { registerEnvironmentRoutes } from '../databases/env-routes.js';
import { registerDatabaseRoutes } from '../databases/routes.js';
import { registerActivityRoutes } from '../executions/activity-routes.js';
import { registerExecutionRoutes, registerTaskTokenRoutes } from '../executions/routes.js';
import { registerFunctionRoutes } from '../functions/routes.js';
import { registerInstanceRoutes } from '../instances/routes.js';
import { registerKmsRoutes } from '../kms/routes.js';
import type { Logger } from '../log/logger.js';
import { registerQueueRoutes } from '../queues/routes.js';
import { registerSanitizeRoutes } from '../sanitize/routes.js';
import { registerSecretRoutes } from '../secrets/routes.js';
import { registerSnapshotCopyRoutes } from '../snapshots/copy-routes.js';
import { registerSnapshotRoutes } from '../snapshots/routes.js';
import { registerSnapshotStoreRoutes } from '../snapshots/stores-routes.js';
import { registerStateMachineRoutes } from '../states/routes.js';
import { installAuth } from './auth.js';
import { registerConsole } from './console.js';
import { installErrorHandling } from './error-handler.js';
import { registerHealthRoutes } from './health.js';
import { installMetrics } from './metrics.js';
import { installAudit } from './mutation.js';
import { trackRoutes } from './route-list.js';
import { ErrorBody } from './schemas.js';
import type { ApiDeps, App } from './types.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Builds the HTTP API (not yet listening): auth, audit, errors, OpenAPI,
 * health, metrics and every domain's routes.
 *
 * @example
 * const app = await buildServer({ config, pool, services, log });
 * await app.listen({ host: config.host, port: config.port });
 */
export async function buildServer(deps: ApiDeps & { log: Logger }): Promise<App> {
  const app = Fastify({
    loggerInstance: deps.log,
    bodyLimit: 6 * 1024 * 1024,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    ajv: {
      customOptions: { removeAdditional: false, allErrors: true, coerceTypes: 'array', useDefaults: true },
    },
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App;

  trackRoutes(app);
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-request-id', request.id);
    return payload;
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'dbplane API', version: '0.1.0', description: 'Self-hosted database platform' },
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ apiKey: [] }, { bearer: [] }],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  app.addSchema(ErrorBody);
  installErrorHandling(app);
  installAuth(app, deps.services.accounts);
  const mutate = installAudit(app, { pool: deps.pool, audit: deps.services.audit });
  installMetrics(app, deps.metrics);
  registerHealthRoutes(app, { pool: deps.pool });
  app.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
  registerApiKeyRoutes(app, { accounts: deps.services.accounts, mutate });
  registerAuditRoutes(app, { audit: deps.services.audit });
  registerStateMachineRoutes(app, { machines: deps.services.machines, mutate });
  registerQueueRoutes(app, { queues: deps.services.queues, mutate });
  registerKmsRoutes(app, { keyring: deps.services.kms, mutate });
  registerSecretRoutes(app, {
    secrets: deps.services.secrets,
    rotation: deps.services.rotation,
    mutate,
    audit: deps.services.audit,
    pool: deps.pool,
  });
  registerInstanceRoutes(app, { instances: deps.services.instances, mutate });
  registerBootstrapRoutes(app, { bootstrap: deps.services.bootstrap, mutate });
  registerDatabaseRoutes(app, { databases: deps.services.databases, mutate });
  registerEnvironmentRoutes(app, { environments: deps.services.environments, mutate });
  registerSnapshotRoutes(app, { snapshots: deps.services.snapshots, mutate });
  registerSnapshotStoreRoutes(app, { services: deps.services, mutate });
  registerSnapshotCopyRoutes(app, { services: deps.services, mutate });
  registerSanitizeRoutes(app, { sanitize: deps.services.sanitize, mutate });
  registerExecutionRoutes(app, { executions: deps.services.executions, mutate });
  registerTaskTokenRoutes(app, { executions: deps.services.executions, mutate });
  registerActivityRoutes(app, { activities: deps.services.activities, mutate });
  registerEventRoutes(app, { bus: deps.services.bus, mutate, pool: deps.pool });
  registerRuleRoutes(app, { bus: deps.services.bus, mutate, pool: deps.pool });
  registerArchiveRoutes(app, { bus: deps.services.bus, mutate, pool: deps.pool });
  registerFunctionRoutes(app, {
    functions: deps.services.functions,
    mutate,
    invokeAsync: deps.services.invokeAsync,
    urls: deps.services.functionUrls,
  });
  registerConsole(app);
  return app;
}
