import { Type } from '@sinclair/typebox';
import type { Mutate } from '../api/mutation.js';
import { errorResponses, Name } from '../api/schemas.js';
import type { App } from '../api/types.js';
import { bootstrapSpecJsonSchema } from './index.js';
import type { BootstrapService } from './service.js';

const tags = ['bootstrap'];
const audit = (action: string) => ({ audit: { service: 'bootstrap', action } });
const account = (r: { principal?: { accountId: string } | undefined }) => r.principal?.accountId ?? '';
const NameParams = Type.Object({ name: Name });
const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'];

const Change = Type.Object({
  action: Type.Union([
    Type.Literal('create'),
    Type.Literal('alter'),
    Type.Literal('grant'),
    Type.Literal('revoke'),
    Type.Literal('drop'),
  ]),
  object: Type.String(),
  sql: Type.Optional(Type.String()),
});
const Problem = Type.Object({ path: Type.String(), message: Type.String() });
const StoredSpec = Type.Object(
  {
    instance: Type.String(),
    spec: Type.Unknown({ description: 'the spec, as GET /v1/bootstrap/schema describes it' }),
    version: Type.Integer(),
    specHash: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'BootstrapSpec' },
);
const Result = Type.Object(
  {
    instance: Type.String(),
    kind: Type.Union([Type.Literal('plan'), Type.Literal('apply'), Type.Literal('drift')]),
    status: Type.Union([
      Type.Literal('converged'),
      Type.Literal('changes'),
      Type.Literal('applied'),
      Type.Literal('failed'),
    ]),
    specVersion: Type.Integer(),
    changes: Type.Array(Change),
    problems: Type.Array(Problem),
    error: Type.Union([Type.String(), Type.Null()]),
    executionArn: Type.Union([Type.String(), Type.Null()]),
    at: Type.String({ format: 'date-time' }),
  },
  { $id: 'BootstrapResult' },
);
const Plan = Type.Object({
  specVersion: Type.Union([Type.Integer(), Type.Null()], { description: 'null: the spec given was planned' }),
  changes: Type.Array(Change),
  problems: Type.Array(Problem),
});

/**
 * `/v1/instances/{name}/bootstrap`: the instance's bootstrap spec (PUT as
 * JSON, or YAML with `content-type: application/yaml`), its plan, apply
 * (202: a `dbplane-bootstrap` execution) and last drift check; and
 * `/v1/bootstrap/schema`, the spec's JSON Schema.
 */
export function registerBootstrapRoutes(app: App, deps: { bootstrap: BootstrapService; mutate: Mutate }) {
  const { bootstrap, mutate } = deps;
  app.addSchema(StoredSpec);
  app.addSchema(Result);
  const ref = (r: { params: { name: string }; principal?: { accountId: string } | undefined }) => ({
    accountId: account(r),
    instance: r.params.name,
  });
  app.get(
    '/v1/bootstrap/schema',
    { config: { public: true }, schema: { tags, response: { 200: Type.Unknown() } } },
    async () => bootstrapSpecJsonSchema,
  );
  // the spec may come as YAML text; only these routes read it (the parser is scoped to them)
  app.register((plugin, _options, registered) => {
    const scope = plugin as unknown as App;
    scope.addContentTypeParser(YAML_TYPES, { parseAs: 'string' }, (_req, body, parsed) => parsed(null, body));
    scope.put(
      '/v1/instances/:name/bootstrap',
      {
        config: audit('PutBootstrapSpec'),
        schema: {
          tags,
          params: NameParams,
          body: Type.Unknown({ description: 'the spec: JSON, or YAML with content-type application/yaml' }),
          response: { 200: Type.Ref('BootstrapSpec'), ...errorResponses(404) },
        },
      },
      async (request, reply) =>
        mutate(request, reply, async (tx) => {
          const stored = await bootstrap.put(tx, { ...ref(request), body: request.body });
          return {
            result: stored,
            responseElements: {
              instance: stored.instance,
              version: stored.version,
              specHash: stored.specHash,
            },
          };
        }),
    );
    scope.post(
      '/v1/instances/:name/bootstrap/plan',
      {
        config: { ...audit('PlanBootstrap'), permission: 'read' },
        schema: {
          tags,
          params: NameParams,
          body: Type.Optional(
            Type.Unknown({ description: 'a spec to plan instead of the stored one (not stored)' }),
          ),
          response: { 200: Plan, ...errorResponses(404) },
        },
      },
      async (request, reply) => {
        const plan = await bootstrap.plan(ref(request), request.body ?? undefined);
        return mutate(request, reply, async () => ({
          result: plan,
          responseElements: { specVersion: plan.specVersion, changes: plan.changes.length },
        }));
      },
    );
    registered();
  });
  app.get(
    '/v1/instances/:name/bootstrap',
    {
      schema: {
        tags,
        params: NameParams,
        response: { 200: Type.Ref('BootstrapSpec'), ...errorResponses(404) },
      },
    },
    async (request) => bootstrap.get(ref(request)),
  );
  app.post(
    '/v1/instances/:name/bootstrap/apply',
    {
      config: audit('ApplyBootstrap'),
      schema: {
        tags,
        params: NameParams,
        response: {
          202: Type.Object({ executionArn: Type.String(), startDate: Type.String({ format: 'date-time' }) }),
          ...errorResponses(404),
        },
      },
    },
    async (request, reply) => {
      reply.status(202);
      return mutate(request, reply, async (tx) => ({ result: await bootstrap.startApply(tx, ref(request)) }));
    },
  );
  app.get(
    '/v1/instances/:name/bootstrap/drift',
    {
      schema: {
        tags,
        params: NameParams,
        response: { 200: Type.Ref('BootstrapResult'), ...errorResponses(404) },
      },
    },
    async (request) => bootstrap.result({ ...ref(request), kind: 'drift' }),
  );
  app.get(
    '/v1/instances/:name/bootstrap/apply',
    {
      schema: {
        tags,
        params: NameParams,
        response: { 200: Type.Ref('BootstrapResult'), ...errorResponses(404) },
      },
    },
    async (request) => bootstrap.result({ ...ref(request), kind: 'apply' }),
  );
}
