import { Type } from '@sinclair/typebox';
import { errorResponses, PageQuery } from '../api/schemas.js';
import type { App } from '../api/types.js';
import type { AuditService } from './service.js';

const AuditRecordSchema = Type.Object(
  {
    id: Type.String(),
    accountId: Type.String(),
    region: Type.String(),
    eventTime: Type.String({ format: 'date-time' }),
    requestId: Type.String(),
    principal: Type.Object({
      keyId: Type.Union([Type.String(), Type.Null()]),
      keyName: Type.Union([Type.String(), Type.Null()]),
      role: Type.Union([Type.String(), Type.Null()]),
    }),
    service: Type.String(),
    action: Type.String(),
    resourceArn: Type.Union([Type.String(), Type.Null()]),
    requestParameters: Type.Unknown(),
    responseElements: Type.Unknown(),
    statusCode: Type.Integer(),
    errorCode: Type.Union([Type.String(), Type.Null()]),
    errorMessage: Type.Union([Type.String(), Type.Null()]),
    sourceIp: Type.Union([Type.String(), Type.Null()]),
    userAgent: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'AuditRecord' },
);

const Query = Type.Composite([
  PageQuery,
  Type.Object({
    action: Type.Optional(Type.String({ maxLength: 128 })),
    service: Type.Optional(Type.String({ maxLength: 64 })),
    resourceArn: Type.Optional(Type.String({ maxLength: 2048 })),
    keyName: Type.Optional(Type.String({ maxLength: 128 })),
    errorsOnly: Type.Optional(Type.Boolean()),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
  }),
]);

/** `GET /v1/audit`: the account's audit records, newest first, filterable. */
export function registerAuditRoutes(app: App, deps: { audit: AuditService }): void {
  app.addSchema(AuditRecordSchema);
  app.get(
    '/v1/audit',
    {
      schema: {
        tags: ['audit'],
        querystring: Query,
        response: {
          200: Type.Object({
            records: Type.Array(Type.Ref('AuditRecord')),
            nextToken: Type.Optional(Type.String()),
          }),
          ...errorResponses(),
        },
      },
    },
    async (request) => {
      const { limit, nextToken, ...filter } = request.query;
      return deps.audit.list({
        accountId: request.principal?.accountId ?? '',
        filter,
        limit: limit ?? 50,
        nextToken,
      });
    },
  );
}
