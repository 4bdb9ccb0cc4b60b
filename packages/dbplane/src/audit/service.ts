import { randomUUID } from 'node:crypto';
import { decodePageToken, encodePageToken, takePage } from '../paging.js';
import type { Db, Pool } from '../store/db.js';
import { redactSecrets } from './redact.js';
import * as sql from './sql.js';
import type { AuditFilter, AuditRecord, NewAuditRecord } from './types.js';

export interface AuditService {
  /** Writes one record with `db` (pass the caller's transaction so the record commits with the change). */
  record(db: Db, record: NewAuditRecord): Promise<AuditRecord>;
  list(
    p: Readonly<{ accountId: string; filter: AuditFilter; limit: number; nextToken?: string | undefined }>,
  ): Promise<{
    records: AuditRecord[];
    nextToken?: string;
  }>;
}

/**
 * The audit domain. Parameters and responses are stored with secrets removed.
 *
 * @example
 * await audit.record(tx, { accountId, action: 'CreateApiKey', service: 'iam', ... });
 */
export function createAuditService(deps: { pool: Pool; region: string }): AuditService {
  return {
    async record(db, record) {
      const row = await sql.insertAuditRecord(db, {
        ...record,
        id: randomUUID(),
        region: deps.region,
        requestParameters: redactSecrets(record.requestParameters),
        responseElements:
          record.responseElements === undefined ? undefined : redactSecrets(record.responseElements),
      });
      return toRecord(row);
    },
    async list(p) {
      const token = decodePageToken(p.nextToken);
      const rows = await sql.listAuditRecords(deps.pool, {
        accountId: p.accountId,
        filter: p.filter,
        limit: p.limit,
        beforeSeq: token === undefined ? undefined : String(token.seq),
      });
      const { page, more } = takePage(rows, p.limit);
      const last = page.at(-1);
      const result: { records: AuditRecord[]; nextToken?: string } = { records: page.map(toRecord) };
      if (more && last !== undefined) result.nextToken = encodePageToken({ seq: last.seq });
      return result;
    },
  };
}

function toRecord(row: Omit<sql.AuditRow, 'seq'>): AuditRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    region: row.region,
    eventTime: row.event_time.toISOString(),
    requestId: row.request_id,
    principal: { keyId: row.principal_key_id, keyName: row.principal_name, role: row.principal_role },
    service: row.service,
    action: row.action,
    resourceArn: row.resource_arn,
    requestParameters: row.request_parameters,
    responseElements: row.response_elements,
    statusCode: row.status_code,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    sourceIp: row.source_ip,
    userAgent: row.user_agent,
  };
}
