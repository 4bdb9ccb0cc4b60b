import { Type } from '@sinclair/typebox';
import type { Mutate } from '../api/mutation.js';
import { errorResponses, Name, PageQuery } from '../api/schemas.js';
import type { App } from '../api/types.js';
import {
  AliasSchema,
  Definition,
  Logging,
  Routing,
  StateMachineSchema,
  TagsSchema,
  VersionSchema,
} from './schemas.js';
import type { StateMachinesService } from './service.js';
import { MachineTypes } from './types.js';

const tags = ['state-machines'];
const audit = (action: string) => ({ audit: { service: 'states', action } });
const NameParams = Type.Object({ name: Name });
const AliasName = Type.String({ minLength: 1, maxLength: 80, pattern: '^(?!\\d+$)[A-Za-z0-9_-]+$' });
const Description = Type.String({ maxLength: 256 });
const account = (r: { principal?: { accountId: string } | undefined }) => r.principal?.accountId ?? '';

const CreateBody = Type.Object(
  {
    name: Name,
    definition: Definition,
    type: Type.Optional(Type.Union(MachineTypes.map((t) => Type.Literal(t)))),
    roleArn: Type.Optional(Type.String({ maxLength: 256 })),
    logging: Type.Optional(Logging),
    description: Type.Optional(Description),
    tags: Type.Optional(TagsSchema),
    publish: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const UpdateBody = Type.Object(
  {
    definition: Type.Optional(Definition),
    roleArn: Type.Optional(Type.Union([Type.String({ maxLength: 256 }), Type.Null()])),
    logging: Type.Optional(Logging),
    description: Type.Optional(Description),
    tags: Type.Optional(TagsSchema),
    publish: Type.Optional(Type.Boolean()),
    versionDescription: Type.Optional(Description),
  },
  { additionalProperties: false },
);
const WithVersion = Type.Object({
  stateMachine: Type.Ref('StateMachine'),
  version: Type.Optional(Type.Ref('StateMachineVersion')),
});

/** `/v1/state-machines`: create, describe, list, update, delete. */
export function registerStateMachineRoutes(
  app: App,
  deps: { machines: StateMachinesService; mutate: Mutate },
): void {
  const { machines, mutate } = deps;
  app.addSchema(StateMachineSchema);
  app.addSchema(VersionSchema);
  app.addSchema(AliasSchema);
  app.post(
    '/v1/state-machines',
    {
      config: audit('CreateStateMachine'),
      schema: { tags, body: CreateBody, response: { 201: WithVersion, ...errorResponses(409) } },
    },
    async (request, reply) => {
      reply.status(201);
      return mutate(request, reply, async (tx) => {
        const { machine, version } = await machines.create(tx, {
          ...request.body,
          accountId: account(request),
        });
        const result = version === undefined ? { stateMachine: machine } : { stateMachine: machine, version };
        return {
          result,
          resourceArn: machine.arn,
          responseElements: { stateMachineArn: machine.arn, revisionId: machine.revisionId },
        };
      });
    },
  );
  app.get(
    '/v1/state-machines',
    {
      schema: {
        tags,
        querystring: PageQuery,
        response: {
          200: Type.Object({
            stateMachines: Type.Array(Type.Ref('StateMachine')),
            nextToken: Type.Optional(Type.String()),
          }),
        },
      },
    },
    async (request) =>
      machines.list({
        accountId: account(request),
        limit: request.query.limit ?? 50,
        nextToken: request.query.nextToken,
      }),
  );
  app.get(
    '/v1/state-machines/:name',
    {
      schema: {
        tags,
        params: NameParams,
        response: { 200: Type.Ref('StateMachine'), ...errorResponses(404) },
      },
    },
    async (request) => machines.describe({ accountId: account(request), name: request.params.name }),
  );
  app.patch(
    '/v1/state-machines/:name',
    {
      config: audit('UpdateStateMachine'),
      schema: {
        tags,
        params: NameParams,
        body: UpdateBody,
        response: { 200: WithVersion, ...errorResponses(404, 409) },
      },
    },
    async (request, reply) =>
      mutate(request, reply, async (tx) => {
        const { machine, version } = await machines.update(tx, {
          ...request.body,
          accountId: account(request),
          name: request.params.name,
        });
        const result = version === undefined ? { stateMachine: machine } : { stateMachine: machine, version };
        return { result, resourceArn: machine.arn, responseElements: { revisionId: machine.revisionId } };
      }),
  );
  app.delete(
    '/v1/state-machines/:name',
    {
      config: audit('DeleteStateMachine'),
      schema: {
        tags,
        params: NameParams,
        response: { 200: Type.Ref('StateMachine'), ...errorResponses(404) },
      },
    },
    async (request, reply) =>
      mutate(request, reply, async (tx) => {
        const machine = await machines.remove(tx, { accountId: account(request), name: request.params.name });
        return {
          result: machine,
          resourceArn: machine.arn,
          responseElements: { stateMachineArn: machine.arn },
        };
      }),
  );
  registerVersionRoutes(app, deps);
  registerAliasRoutes(app, deps);
}

function registerVersionRoutes(app: App, deps: { machines: StateMachinesService; mutate: Mutate }): void {
  const { machines, mutate } = deps;
  const VersionParams = Type.Object({ name: Name, version: Type.Integer({ minimum: 1 }) });
  app.post(
    '/v1/state-machines/:name/versions',
    {
      config: audit('PublishStateMachineVersion'),
      schema: {
        tags,
        params: NameParams,
        body: Type.Object(
          { description: Type.Optional(Description), revisionId: Type.Optional(Type.String()) },
          { additionalProperties: false },
        ),
        response: { 201: Type.Ref('StateMachineVersion'), ...errorResponses(404, 409) },
      },
    },
    async (request, reply) => {
      reply.status(201);
      return mutate(request, reply, async (tx) => {
        const version = await machines.publishVersion(tx, {
          ...request.body,
          accountId: account(request),
          name: request.params.name,
        });
        return { result: version, resourceArn: version.arn };
      });
    },
  );
  app.get(
    '/v1/state-machines/:name/versions',
    {
      schema: {
        tags,
        params: NameParams,
        response: {
          200: Type.Object({ versions: Type.Array(Type.Ref('StateMachineVersion')) }),
          ...errorResponses(404),
        },
      },
    },
    async (request) => ({
      versions: await machines.listVersions({ accountId: account(request), name: request.params.name }),
    }),
  );
  app.delete(
    '/v1/state-machines/:name/versions/:version',
    {
      config: audit('DeleteStateMachineVersion'),
      schema: { tags, params: VersionParams, response: { 204: Type.Null(), ...errorResponses(404, 409) } },
    },
    async (request, reply) => {
      reply.status(204);
      await mutate(request, reply, async (tx) => {
        await machines.deleteVersion(tx, {
          accountId: account(request),
          name: request.params.name,
          version: request.params.version,
        });
        return { result: null };
      });
      return reply.send(null);
    },
  );
}

function registerAliasRoutes(app: App, deps: { machines: StateMachinesService; mutate: Mutate }): void {
  const { machines, mutate } = deps;
  const AliasParams = Type.Object({ name: Name, alias: AliasName });
  const AliasBody = Type.Object(
    { routing: Routing, description: Type.Optional(Description) },
    { additionalProperties: false },
  );
  app.post(
    '/v1/state-machines/:name/aliases',
    {
      config: audit('CreateStateMachineAlias'),
      schema: {
        tags,
        params: NameParams,
        body: Type.Composite([Type.Object({ name: AliasName }), AliasBody], { additionalProperties: false }),
        response: { 201: Type.Ref('StateMachineAlias'), ...errorResponses(404, 409) },
      },
    },
    async (request, reply) => {
      reply.status(201);
      return mutate(request, reply, async (tx) => {
        const { name: alias, ...rest } = request.body;
        const saved = await machines.putAlias(tx, {
          ...rest,
          alias,
          accountId: account(request),
          name: request.params.name,
          create: true,
        });
        return { result: saved, resourceArn: saved.arn };
      });
    },
  );
  app.get(
    '/v1/state-machines/:name/aliases',
    {
      schema: {
        tags,
        params: NameParams,
        response: {
          200: Type.Object({ aliases: Type.Array(Type.Ref('StateMachineAlias')) }),
          ...errorResponses(404),
        },
      },
    },
    async (request) => ({
      aliases: await machines.listAliases({ accountId: account(request), name: request.params.name }),
    }),
  );
  app.put(
    '/v1/state-machines/:name/aliases/:alias',
    {
      config: audit('UpdateStateMachineAlias'),
      schema: {
        tags,
        params: AliasParams,
        body: AliasBody,
        response: { 200: Type.Ref('StateMachineAlias'), ...errorResponses(404) },
      },
    },
    async (request, reply) =>
      mutate(request, reply, async (tx) => {
        const saved = await machines.putAlias(tx, {
          ...request.body,
          ...request.params,
          accountId: account(request),
          create: false,
        });
        return { result: saved, resourceArn: saved.arn };
      }),
  );
  app.delete(
    '/v1/state-machines/:name/aliases/:alias',
    {
      config: audit('DeleteStateMachineAlias'),
      schema: { tags, params: AliasParams, response: { 204: Type.Null(), ...errorResponses(404) } },
    },
    async (request, reply) => {
      reply.status(204);
      await mutate(request, reply, async (tx) => {
        await machines.deleteAlias(tx, { ...request.params, accountId: account(request) });
        return { result: null };
      });
      return reply.send(null);
    },
  );
}
