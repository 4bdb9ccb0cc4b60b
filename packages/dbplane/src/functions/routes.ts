import { Type } from '@sinclair/typebox';
import type { Mutate } from '../api/mutation.js';
import { errorResponses, Name, PageQuery } from '../api/schemas.js';
import type { App, Services } from '../api/types.js';
import type { FunctionsService } from './service.js';
import type { FunctionUrls } from './urls.js';

const tags = ['functions'];
const audit = (action: string) => ({ audit: { service: 'functions', action } });
const account = (r: { principal?: { accountId: string } | undefined }) => r.principal?.accountId ?? '';
const NameParams = Type.Object({ name: Name });
const Code = Type.Union([
  Type.Object({ zipBase64: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
  Type.Object({ path: Type.String({ minLength: 1, maxLength: 4096 }) }, { additionalProperties: false }),
]);
const Config = {
  runtime: Type.Optional(Type.String({ maxLength: 32 })),
  timeoutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 900 })),
  memoryMb: Type.Optional(Type.Integer({ minimum: 32, maximum: 10_240 })),
  environment: Type.Optional(
    Type.Record(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }), Type.String({ maxLength: 4096 })),
  ),
  description: Type.Optional(Type.String({ maxLength: 256 })),
  reservedConcurrency: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 1000 }), Type.Null()])),
  maximumRetryAttempts: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 })),
  onFailureQueue: Type.Optional(Type.Union([Name, Type.Null()])),
};
const FunctionSchema = Type.Object(
  {
    arn: Type.String(),
    name: Type.String(),
    handler: Type.String(),
    runtime: Type.String(),
    timeoutSeconds: Type.Integer(),
    memoryMb: Type.Integer(),
    environment: Type.Record(Type.String(), Type.String()),
    description: Type.String(),
    reservedConcurrency: Type.Union([Type.Integer(), Type.Null()]),
    maximumRetryAttempts: Type.Integer(),
    onFailureQueue: Type.Union([Type.String(), Type.Null()]),
    codeSha256: Type.String(),
    codeSize: Type.Integer(),
    version: Type.String(),
    tags: Type.Record(Type.String(), Type.String()),
    lastModified: Type.String(),
  },
  { $id: 'Function' },
);

/** `/v1/functions`: lifecycle, versions, aliases, invocations and logs. */
type Deps = {
  functions: FunctionsService;
  mutate: Mutate;
  invokeAsync: Services['invokeAsync'];
  urls: FunctionUrls;
};

export function registerFunctionRoutes(app: App, deps: Deps): void {
  const { functions, mutate } = deps;
  app.addSchema(FunctionSchema);
  const ok = (status: number) => ({ [status]: Type.Ref('Function'), ...errorResponses(404, 409) });
  app.post(
    '/v1/functions',
    {
      config: audit('CreateFunction'),
      schema: {
        tags,
        body: Type.Object(
          {
            name: Name,
            handler: Type.String({ minLength: 1, maxLength: 128 }),
            code: Code,
            ...Config,
            tags: Type.Optional(Type.Record(Type.String(), Type.String())),
          },
          { additionalProperties: false },
        ),
        response: ok(201),
      },
    },
    async (request, reply) => {
      reply.status(201);
      return mutate(request, reply, async (tx) => {
        const { code, ...rest } = request.body;
        const fn = await functions.create(tx, { ...rest, code, accountId: account(request) });
        return {
          result: fn,
          resourceArn: fn.arn,
          responseElements: { functionArn: fn.arn, codeSha256: fn.codeSha256 },
        };
      });
    },
  );
  app.get(
    '/v1/functions',
    {
      schema: {
        tags,
        querystring: PageQuery,
        response: {
          200: Type.Object({
            functions: Type.Array(Type.Ref('Function')),
            nextToken: Type.Optional(Type.String()),
          }),
        },
      },
    },
    async (request) =>
      functions.list({
        accountId: account(request),
        limit: request.query.limit ?? 50,
        nextToken: request.query.nextToken,
      }),
  );
  app.get(
    '/v1/functions/:name',
    { schema: { tags, params: NameParams, response: ok(200) } },
    async (request) => functions.get({ accountId: account(request), name: request.params.name }),
  );
  app.put(
    '/v1/functions/:name/code',
    {
      config: audit('UpdateFunctionCode'),
      schema: { tags, params: NameParams, body: Code, response: ok(200) },
    },
    async (request, reply) =>
      mutate(request, reply, async (tx) => {
        const fn = await functions.updateCode(tx, {
          accountId: account(request),
          name: request.params.name,
          code: request.body,
        });
        return {
          result: fn,
          resourceArn: fn.arn,
          responseElements: { functionArn: fn.arn, codeSha256: fn.codeSha256 },
        };
      }),
  );
  app.put(
    '/v1/functions/:name/configuration',
    {
      config: audit('UpdateFunctionConfiguration'),
      schema: {
        tags,
        params: NameParams,
        body: Type.Object(
          { handler: Type.Optional(Type.String({ maxLength: 128 })), ...Config },
          { additionalProperties: false },
        ),
        response: ok(200),
      },
    },
    async (request, reply) =>
      mutate(request, reply, async (tx) => {
        const fn = await functions.updateConfig(tx, {
          ...request.body,
          accountId: account(request),
          name: request.params.name,
        });
        return { result: fn, resourceArn: fn.arn };
      }),
  );
  app.delete(
    '/v1/functions/:name',
    { config: audit('DeleteFunction'), schema: { tags, params: NameParams, response: ok(200) } },
    async (request, reply) =>
      mutate(request, reply, async (tx) => {
        const fn = await functions.remove(tx, { accountId: account(request), name: request.params.name });
        return { result: fn, resourceArn: fn.arn };
      }),
  );
  registerVersionsAndInvocations(app, deps);
  registerUrls(app, deps);
}

function registerUrls(app: App, deps: Deps): void {
  const { mutate } = deps;
  app.put(
    '/v1/functions/:name/url',
    {
      config: audit('CreateFunctionUrlConfig'),
      schema: {
        tags,
        params: NameParams,
        body: Type.Object(
          { auth: Type.Union([Type.Literal('API_KEY'), Type.Literal('HMAC')]) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            functionUrl: Type.String(),
            auth: Type.String(),
            hmacSecret: Type.Optional(Type.String()),
          }),
          ...errorResponses(404),
        },
      },
    },
    async (request, reply) =>
      mutate(request, reply, async (tx) => ({
        result: await deps.urls.put(tx, {
          accountId: account(request),
          name: request.params.name,
          auth: request.body.auth,
        }),
        resourceArn: null,
      })),
  );
  void app.register((scope, _options, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    scope.route<{ Params: { name: string } }>({
      method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      url: '/fn/:name',
      config: { public: true },
      schema: { hide: true },
      handler: (request, reply) => deps.urls.handle(request, reply),
    });
    done();
  });
}

function registerVersionsAndInvocations(app: App, deps: Deps): void {
  const { functions, mutate } = deps;
  app.post(
    '/v1/functions/:name/versions',
    {
      config: audit('PublishVersion'),
      schema: {
        tags,
        params: NameParams,
        body: Type.Object(
          { description: Type.Optional(Type.String({ maxLength: 256 })) },
          { additionalProperties: false },
        ),
        response: { 201: Type.Ref('Function'), ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      reply.status(201);
      return mutate(request, reply, async (tx) => {
        const v = await functions.publish(tx, {
          ...request.body,
          accountId: account(request),
          name: request.params.name,
        });
        return { result: v, resourceArn: v.arn };
      });
    },
  );
  app.get('/v1/functions/:name/versions', { schema: { tags, params: NameParams } }, async (request) => ({
    versions: await functions.listVersions({ accountId: account(request), name: request.params.name }),
  }));
  app.put(
    '/v1/functions/:name/aliases/:alias',
    {
      config: audit('UpdateAlias'),
      schema: {
        tags,
        params: Type.Object({
          name: Name,
          alias: Type.String({ pattern: '^(?!\\d+$)[A-Za-z0-9_-]{1,128}$' }),
        }),
        body: Type.Object(
          {
            version: Type.String({ pattern: '^\\d+$' }),
            description: Type.Optional(Type.String({ maxLength: 256 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) =>
      mutate(request, reply, async (tx) => {
        const a = await functions.putAlias(tx, {
          ...request.body,
          ...request.params,
          accountId: account(request),
        });
        return { result: a, resourceArn: a.aliasArn };
      }),
  );
  app.post(
    '/v1/functions/:name/invocations',
    {
      config: { dataPlane: true },
      schema: {
        tags,
        params: NameParams,
        body: Type.Object(
          {
            payload: Type.Optional(Type.Unknown()),
            invocationType: Type.Optional(
              Type.Union([Type.Literal('RequestResponse'), Type.Literal('Event')]),
            ),
            qualifier: Type.Optional(Type.String({ maxLength: 128 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const ref = {
        accountId: account(request),
        name: request.params.name,
        payload: request.body.payload,
        qualifier: request.body.qualifier,
      };
      if (request.body.invocationType === 'Event') {
        const requestId = await deps.invokeAsync(ref);
        return reply.status(202).send({ statusCode: 202, requestId });
      }
      return functions.invoke(ref);
    },
  );
  app.get(
    '/v1/functions/:name/logs',
    {
      schema: {
        tags,
        params: NameParams,
        querystring: Type.Object({
          after: Type.Optional(Type.Integer({ minimum: 0 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
        }),
      },
    },
    async (request) =>
      functions.logs({
        accountId: account(request),
        name: request.params.name,
        afterSeq: request.query.after,
        limit: request.query.limit,
      }),
  );
}
