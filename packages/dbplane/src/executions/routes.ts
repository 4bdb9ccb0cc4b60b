import { Type } from '@sinclair/typebox';
import type { Mutate } from '../api/mutation.js';
import { errorResponses, Name, PageQuery } from '../api/schemas.js';
import type { App } from '../api/types.js';
import type { ExecutionsService } from './service.js';
import { ExecutionStatuses } from './types.js';

const tags = ['executions'];
const audit = (action: string) => ({ audit: { service: 'states', action } });
const account = (r: { principal?: { accountId: string } | undefined }) => r.principal?.accountId ?? '';
const MachineParams = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 160, pattern: '^[A-Za-z0-9._-]+(:[A-Za-z0-9_-]+)?$' }),
});
const ExecParams = Type.Object({ name: Name, execution: Type.String({ minLength: 1, maxLength: 2048 }) });
const ErrorFields = {
  error: Type.Optional(Type.String({ maxLength: 256 })),
  cause: Type.Optional(Type.String({ maxLength: 32_768 })),
};

const ExecutionSchema = Type.Object(
  {
    executionArn: Type.String(),
    stateMachineArn: Type.String(),
    name: Type.String(),
    status: Type.Union(ExecutionStatuses.map((s) => Type.Literal(s))),
    input: Type.Unknown(),
    output: Type.Optional(Type.Unknown()),
    error: Type.Optional(Type.String()),
    cause: Type.Optional(Type.String()),
    startDate: Type.String({ format: 'date-time' }),
    stopDate: Type.Optional(Type.String({ format: 'date-time' })),
    stateMachineVersion: Type.Optional(Type.Integer()),
    stateMachineAlias: Type.Optional(Type.String()),
    redriveCount: Type.Integer(),
    redriveDate: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { $id: 'Execution' },
);
const Started = Type.Object({
  executionArn: Type.String(),
  name: Type.String(),
  startDate: Type.String({ format: 'date-time' }),
});

/** `/v1/state-machines/{name}/executions`: start, list, describe, history, stop, redrive. */
export function registerExecutionRoutes(
  app: App,
  deps: { executions: ExecutionsService; mutate: Mutate },
): void {
  const { executions, mutate } = deps;
  app.addSchema(ExecutionSchema);
  app.post(
    '/v1/state-machines/:name/executions',
    {
      config: audit('StartExecution'),
      schema: {
        tags,
        params: MachineParams,
        body: Type.Object(
          {
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 80, pattern: '^[A-Za-z0-9_-]+$' })),
            input: Type.Optional(Type.Unknown()),
          },
          { additionalProperties: false },
        ),
        response: { 200: Started, 201: Started, ...errorResponses(404, 409) },
      },
    },
    async (request, reply) => {
      const started = await mutate(request, reply, async (tx) => {
        const s = await executions.start(tx, {
          ...request.body,
          accountId: account(request),
          stateMachine: request.params.name,
        });
        return {
          result: s,
          resourceArn: s.executionArn,
          responseElements: { executionArn: s.executionArn, startDate: s.startDate },
        };
      });
      const { existing, ...body } = started;
      reply.status(existing ? 200 : 201);
      return body;
    },
  );
  app.post(
    '/v1/state-machines/:name/executions/sync',
    {
      config: { dataPlane: true },
      schema: {
        tags,
        params: MachineParams,
        body: Type.Object(
          {
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 80, pattern: '^[A-Za-z0-9_-]+$' })),
            input: Type.Optional(Type.Unknown()),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            executionArn: Type.String(),
            stateMachineArn: Type.String(),
            name: Type.String(),
            startDate: Type.String(),
            stopDate: Type.String(),
            status: Type.String(),
            input: Type.Unknown(),
            output: Type.Optional(Type.Unknown()),
            error: Type.Optional(Type.String()),
            cause: Type.Optional(Type.String()),
          }),
          ...errorResponses(404),
        },
      },
    },
    async (request) =>
      executions.startSync({
        ...request.body,
        accountId: account(request),
        stateMachine: request.params.name,
      }),
  );
  app.get(
    '/v1/state-machines/:name/executions',
    {
      schema: {
        tags,
        params: MachineParams,
        querystring: Type.Composite([
          PageQuery,
          Type.Object({ status: Type.Optional(Type.Union(ExecutionStatuses.map((s) => Type.Literal(s)))) }),
        ]),
        response: {
          200: Type.Object({
            executions: Type.Array(Type.Ref('Execution')),
            nextToken: Type.Optional(Type.String()),
          }),
          ...errorResponses(404),
        },
      },
    },
    async (request) =>
      executions.list({
        ...request.query,
        limit: request.query.limit ?? 50,
        accountId: account(request),
        stateMachine: request.params.name,
      }),
  );
  app.get(
    '/v1/state-machines/:name/executions/:execution',
    {
      schema: { tags, params: ExecParams, response: { 200: Type.Ref('Execution'), ...errorResponses(404) } },
    },
    async (request) =>
      executions.describe({
        accountId: account(request),
        stateMachine: request.params.name,
        execution: request.params.execution,
      }),
  );
  app.get(
    '/v1/state-machines/:name/executions/:execution/history',
    {
      schema: {
        tags,
        params: ExecParams,
        querystring: Type.Composite([
          PageQuery,
          Type.Object({
            reverseOrder: Type.Optional(Type.Boolean()),
            includeExecutionData: Type.Optional(Type.Boolean()),
          }),
        ]),
        response: {
          200: Type.Object({ events: Type.Array(Type.Unknown()), nextToken: Type.Optional(Type.String()) }),
          ...errorResponses(404),
        },
      },
    },
    async (request) =>
      executions.history({
        accountId: account(request),
        stateMachine: request.params.name,
        execution: request.params.execution,
        limit: request.query.limit ?? 100,
        nextToken: request.query.nextToken,
        reverse: request.query.reverseOrder ?? false,
        includeExecutionData: request.query.includeExecutionData ?? true,
      }),
  );
  app.get(
    '/v1/state-machines/:name/logs',
    {
      schema: {
        tags,
        params: MachineParams,
        querystring: Type.Composite([
          PageQuery,
          Type.Object({ executionArn: Type.Optional(Type.String({ maxLength: 2048 })) }),
        ]),
        response: {
          200: Type.Object({
            logs: Type.Array(Type.Object({ executionArn: Type.String(), event: Type.Unknown() })),
            nextToken: Type.Optional(Type.String()),
          }),
          ...errorResponses(404),
        },
      },
    },
    async (request) =>
      executions.logs({
        accountId: account(request),
        stateMachine: request.params.name,
        limit: request.query.limit ?? 100,
        nextToken: request.query.nextToken,
        execution: request.query.executionArn,
      }),
  );
  app.post(
    '/v1/state-machines/:name/executions/:execution/stop',
    {
      config: audit('StopExecution'),
      schema: {
        tags,
        params: ExecParams,
        body: Type.Optional(Type.Object(ErrorFields, { additionalProperties: false })),
        response: { 200: Type.Object({ stopDate: Type.String() }), ...errorResponses(404, 409) },
      },
    },
    async (request, reply) =>
      mutate(request, reply, async (tx) => {
        const ref = {
          ...(request.body ?? {}),
          accountId: account(request),
          stateMachine: request.params.name,
          execution: request.params.execution,
        };
        return { result: await executions.stop(tx, ref), resourceArn: request.params.execution };
      }),
  );
  app.post(
    '/v1/state-machines/:name/executions/:execution/redrive',
    {
      config: audit('RedriveExecution'),
      schema: {
        tags,
        params: ExecParams,
        response: { 200: Type.Object({ redriveDate: Type.String() }), ...errorResponses(404, 409) },
      },
    },
    async (request, reply) =>
      mutate(request, reply, async (tx) => ({
        result: await executions.redrive(tx, {
          accountId: account(request),
          stateMachine: request.params.name,
          execution: request.params.execution,
        }),
        resourceArn: request.params.execution,
      })),
  );
}

/** `/v1/task-tokens/success|failure|heartbeat`: complete callback and activity tasks. */
export function registerTaskTokenRoutes(
  app: App,
  deps: { executions: ExecutionsService; mutate: Mutate },
): void {
  const { executions, mutate } = deps;
  const Token = { taskToken: Type.String({ minLength: 1, maxLength: 1024 }) };
  const ok = { 200: Type.Object({}), ...errorResponses(404) };
  app.post(
    '/v1/task-tokens/success',
    {
      config: audit('SendTaskSuccess'),
      schema: {
        tags,
        body: Type.Object({ ...Token, output: Type.Unknown() }, { additionalProperties: false }),
        response: ok,
      },
    },
    async (request, reply) =>
      mutate(request, reply, async (tx) => {
        await executions.completeTask(tx, {
          accountId: account(request),
          taskToken: request.body.taskToken,
          output: request.body.output,
        });
        return { result: {} };
      }),
  );
  app.post(
    '/v1/task-tokens/failure',
    {
      config: audit('SendTaskFailure'),
      schema: {
        tags,
        body: Type.Object({ ...Token, ...ErrorFields }, { additionalProperties: false }),
        response: ok,
      },
    },
    async (request, reply) =>
      mutate(request, reply, async (tx) => {
        const { taskToken, error, cause } = request.body;
        await executions.completeTask(tx, {
          accountId: account(request),
          taskToken,
          error: error ?? '',
          cause: cause ?? '',
        });
        return { result: {} };
      }),
  );
  app.post(
    '/v1/task-tokens/heartbeat',
    {
      config: { dataPlane: true },
      schema: { tags, body: Type.Object(Token, { additionalProperties: false }), response: ok },
    },
    async (request) => {
      await executions.heartbeat({ accountId: account(request), taskToken: request.body.taskToken });
      return {};
    },
  );
}
