import { type Db, writeLater } from '../store/db.js';
import type { AuditFilter, NewAuditRecord } from './types.js';

export interface AuditRow {
  seq: string;
  id: string;
  account_id: string;
  region: string;
  event_time: Date;
  request_id: string;
  principal_key_id: string | null;
  principal_name: string | null;
  principal_role: string | null;
  service: string;
  action: string;
  resource_arn: string | null;
  request_parameters: unknown;
  response_elements: unknown;
  status_code: number;
  error_code: string | null;
  error_message: string | null;
  source_ip: string | null;
  user_agent: string | null;
}

/**
 * Writes one record, held for the transaction's next round trip
 * (`writeLater`): the record is answered as written, its time being now.
 */
export async function insertAuditRecord(
  db: Db,
  p: Readonly<NewAuditRecord & { id: string; region: string }>,
): Promise<Omit<AuditRow, 'seq'>> {
  const row: Omit<AuditRow, 'seq'> = {
    id: p.id,
    account_id: p.accountId,
    region: p.region,
    event_time: new Date(),
    request_id: p.requestId,
    principal_key_id: p.principal.keyId,
    principal_name: p.principal.keyName,
    principal_role: p.principal.role,
    service: p.service,
    action: p.action,
    resource_arn: p.resourceArn,
    request_parameters: p.requestParameters ?? {},
    response_elements: p.responseElements ?? null,
    status_code: p.statusCode,
    error_code: p.errorCode,
    error_message: p.errorMessage,
    source_ip: p.sourceIp,
    user_agent: p.userAgent,
  };
  await writeLater(db, {
    text: `INSERT INTO audit_records (id, account_id, region, event_time, request_id, principal_key_id, principal_name,
       principal_role, service, action, resource_arn, request_parameters, response_elements, status_code, error_code,
       error_message, source_ip, user_agent)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18)`,
    values: [
      row.id,
      row.account_id,
      row.region,
      row.event_time,
      row.request_id,
      row.principal_key_id,
      row.principal_name,
      row.principal_role,
      row.service,
      row.action,
      row.resource_arn,
      JSON.stringify(row.request_parameters),
      row.response_elements === null ? null : JSON.stringify(row.response_elements),
      row.status_code,
      row.error_code,
      row.error_message,
      row.source_ip,
      row.user_agent,
    ],
  });
  return row;
}

export async function listAuditRecords(
  db: Db,
  p: Readonly<{ accountId: string; filter: AuditFilter; limit: number; beforeSeq?: string | undefined }>,
): Promise<AuditRow[]> {
  const f = p.filter;
  const r = await db.query<AuditRow>(
    `SELECT * FROM audit_records
     WHERE account_id = $1
       AND ($2::bigint IS NULL OR seq < $2::bigint)
       AND ($3::text IS NULL OR action = $3)
       AND ($4::text IS NULL OR service = $4)
       AND ($5::text IS NULL OR resource_arn = $5)
       AND ($6::text IS NULL OR principal_name = $6)
       AND (NOT $7::boolean OR error_code IS NOT NULL)
       AND ($8::timestamptz IS NULL OR event_time >= $8::timestamptz)
       AND ($9::timestamptz IS NULL OR event_time < $9::timestamptz)
     ORDER BY seq DESC LIMIT $10`,
    [
      p.accountId,
      p.beforeSeq ?? null,
      f.action ?? null,
      f.service ?? null,
      f.resourceArn ?? null,
      f.keyName ?? null,
      f.errorsOnly ?? false,
      f.from ?? null,
      f.to ?? null,
      p.limit + 1,
    ],
  );
  return r.rows;
}
