import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuditService } from '../audit/service.js';
import type { Pool } from '../store/db.js';

/**
 * A route `onSend` hook for `GetSecretValue`: a read that did not succeed
 * (denied, not found, undecryptable) still leaves an audit record, so every
 * attempt to read a value is on the trail. Successful reads are audited by `mutate`.
 */
export function auditFailedRead(deps: { audit: AuditService; pool: Pool }) {
  return async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const principal = request.principal;
    if (request.auditWritten || principal === undefined || reply.statusCode < 400) return payload;
    await deps.audit.record(deps.pool, {
      accountId: principal.accountId,
      requestId: request.id,
      principal: { keyId: principal.keyId, keyName: principal.keyName, role: principal.role },
      service: 'secretsmanager',
      action: 'GetSecretValue',
      resourceArn: null,
      requestParameters: { ...(request.params as object), ...(request.query as object) },
      responseElements: undefined,
      statusCode: reply.statusCode,
      errorCode: request.failure?.code ?? null,
      errorMessage: request.failure?.message ?? null,
      sourceIp: request.ip,
      userAgent: request.headers['user-agent'] ?? null,
    });
    request.auditWritten = true;
    return payload;
  };
}
