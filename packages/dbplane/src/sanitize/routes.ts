import { Type } from '@sinclair/typebox';
import type { Mutate } from '../api/mutation.js';
import { errorResponses } from '../api/schemas.js';
import type { App } from '../api/types.js';
import { DatabaseName } from '../databases/schemas.js';
import { AccountId, SnapshotName } from '../snapshots/schemas.js';
import type { RunInput } from './integrations.js';
import { RulesSchema } from './schemas.js';
import type { SanitizeService } from './service.js';
import type { RulesDocument } from './types.js';

const tags = ['sanitize'];
const account = (r: { principal?: { accountId: string } | undefined }) => r.principal?.accountId ?? '';
const Database = Type.String({ minLength: 1, maxLength: 80 });
const Problem = Type.Object({
  path: Type.String(),
  message: Type.String(),
  severity: Type.Union([Type.Literal('error'), Type.Literal('warning')]),
});
const Ask = { database: Database, rules: Type.Ref(RulesSchema) };
const RunBody = Type.Object(
  {
    source: Type.Union([
      Type.Object(
        {
          database: DatabaseName,
          useLatestSnapshot: Type.Optional(
            Type.Boolean({
              description: "start from the database's latest available snapshot instead of a fresh one",
            }),
          ),
        },
        { additionalProperties: false },
      ),
      Type.Object(
        { snapshot: Type.String({ minLength: 1, maxLength: 256 }) },
        { additionalProperties: false },
      ),
    ]),
    rules: Type.Ref(RulesSchema),
    snapshotName: Type.Optional(SnapshotName),
    shareWith: Type.Optional(Type.Array(AccountId, { maxItems: 100 })),
    copy: Type.Optional(
      Type.Object(
        {
          targetRegion: Type.String({ minLength: 1, maxLength: 64 }),
          kmsKeyId: Type.Optional(Type.String({ minLength: 1 })),
        },
        { additionalProperties: false },
      ),
    ),
    instance: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })),
  },
  { additionalProperties: false },
);
const Run = Type.Object(
  {
    id: Type.String(),
    executionArn: Type.String(),
    status: Type.String(),
    input: Type.Unknown(),
    output: Type.Optional(Type.Unknown()),
    error: Type.Optional(Type.String()),
    cause: Type.Optional(Type.String()),
    startDate: Type.String(),
    stopDate: Type.Optional(Type.String()),
  },
  { $id: 'SanitizeRun' },
);

/**
 * `/v1/sanitize`: validate and dry-run rules on a database (nothing
 * changes), start a run of `dbplane-sanitized-snapshot` (202), describe it.
 * Validate and dry-run need the operator role like a run: they reach the
 * database as its instance's admin, and validation runs free DDL in a
 * transaction it rolls back.
 */
export function registerSanitizeRoutes(app: App, deps: { sanitize: SanitizeService; mutate: Mutate }): void {
  const { sanitize, mutate } = deps;
  app.addSchema(RulesSchema);
  app.addSchema(Run);
  app.post(
    '/v1/sanitize/validate',
    {
      schema: {
        tags,
        body: Type.Object(Ask, { additionalProperties: false }),
        response: {
          200: Type.Object({ valid: Type.Boolean(), problems: Type.Array(Problem) }),
          ...errorResponses(404, 409),
        },
      },
    },
    async (request) =>
      sanitize.validate({
        ...request.body,
        rules: request.body.rules as RulesDocument,
        accountId: account(request),
      }),
  );
  app.post(
    '/v1/sanitize/dry-run',
    {
      schema: {
        tags,
        body: Type.Object(
          { ...Ask, sampleRows: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 5 })) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            problems: Type.Array(Problem),
            tables: Type.Array(
              Type.Object({
                table: Type.String(),
                columns: Type.Array(Type.String()),
                rows: Type.Array(Type.Object({ before: Type.Unknown(), after: Type.Unknown() })),
              }),
            ),
          }),
          ...errorResponses(404, 409),
        },
      },
    },
    async (request) =>
      sanitize.dryRun({
        ...request.body,
        sampleRows: request.body.sampleRows ?? 5,
        rules: request.body.rules as RulesDocument,
        accountId: account(request),
      }),
  );
  app.post(
    '/v1/sanitize/runs',
    {
      config: { audit: { service: 'dbplane', action: 'StartSanitizeRun' } },
      schema: { tags, body: RunBody, response: { 202: Type.Ref('SanitizeRun'), ...errorResponses(404) } },
    },
    async (request, reply) => {
      reply.status(202);
      return mutate(request, reply, async (tx) => {
        const run = await sanitize.start(tx, {
          ...(request.body as Omit<RunInput, 'rules'>),
          rules: request.body.rules as RulesDocument,
          accountId: account(request),
        });
        return { result: run, resourceArn: run.executionArn };
      });
    },
  );
  app.get(
    '/v1/sanitize/runs/:id',
    {
      schema: {
        tags,
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 80 }) }),
        response: { 200: Type.Ref('SanitizeRun'), ...errorResponses(404) },
      },
    },
    async (request) => sanitize.describe({ accountId: account(request), id: request.params.id }),
  );
}
