import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuditService } from '../audit/service.js';
import type { NewAuditRecord } from '../audit/types.js';
import { type Db, type Pool, withTransaction } from '../store/db.js';
import type { App } from './types.js';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface MutationOutcome<T> {
  /** What the route answers. */
  result: T;
  /** The resource the call acted on. */
  resourceArn?: string | null;
  /** What the audit record keeps of the answer (secrets are removed anyway); defaults to `result`. */
  responseElements?: unknown;
}

/** Runs a change and its audit record in one transaction. */
export type Mutate = <T>(
  request: FastifyRequest,
  reply: FastifyReply,
  change: (tx: Db) => Promise<MutationOutcome<T>>,
) => Promise<T>;

function baseRecord(request: FastifyRequest, statusCode: number): NewAuditRecord | undefined {
  const principal = request.principal;
  const audit = request.routeOptions.config.audit;
  if (principal === undefined) return undefined;
  return {
    accountId: principal.accountId,
    requestId: request.id,
    principal: { keyId: principal.keyId, keyName: principal.keyName, role: principal.role },
    service: audit?.service ?? 'dbplane',
    action: audit?.action ?? `${request.method} ${request.routeOptions.url ?? request.url}`,
    resourceArn: null,
    requestParameters: {
      ...(request.params as object),
      ...(request.query as object),
      ...bodyObject(request.body),
    },
    responseElements: undefined,
    statusCode,
    errorCode: null,
    errorMessage: null,
    sourceIp: request.ip,
    userAgent: request.headers['user-agent'] ?? null,
  };
}

function bodyObject(body: unknown): Record<string, unknown> {
  if (body === null || body === undefined) return {};
  return typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : { body };
}

/**
 * `mutate` for route handlers, and a hook that writes the record of every
 * mutating call that did not reach a successful `mutate` (refused, invalid,
 * failed): so each mutating request leaves exactly one audit record.
 */
export function installAudit(app: App, deps: { pool: Pool; audit: AuditService }): Mutate {
  app.decorateRequest('auditWritten', false);
  app.decorateRequest('failure', undefined);
  app.addHook('onSend', async (request, reply, payload) => {
    if (!MUTATING.has(request.method) || request.auditWritten || request.routeOptions.config.dataPlane)
      return payload;
    const record = baseRecord(request, reply.statusCode);
    if (record === undefined) return payload;
    if (reply.statusCode < 400) request.log.warn('mutating route answered without an audited change');
    record.errorCode = request.failure?.code ?? null;
    record.errorMessage = request.failure?.message ?? null;
    await deps.audit.record(deps.pool, record);
    request.auditWritten = true;
    return payload;
  });
  return async (request, reply, change) => {
    const result = await withTransaction(deps.pool, async (tx) => {
      const outcome = await change(tx);
      const record = baseRecord(request, reply.statusCode);
      if (record !== undefined) {
        record.resourceArn = outcome.resourceArn ?? null;
        record.responseElements = outcome.responseElements ?? outcome.result;
        await deps.audit.record(tx, record);
      }
      return outcome.result;
    });
    request.auditWritten = true;
    return result;
  };
}
