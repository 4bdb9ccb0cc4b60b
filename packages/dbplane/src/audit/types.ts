/**
 * Audit records: one per mutating API call (CloudTrail's role).
 *
 * Glossary:
 * - action: the API operation, CloudTrail-style (`CreateApiKey`).
 * - service: the domain that owns the action (`iam`, `states`, ...); events
 *   published from a record use the source `dbplane.<service>`.
 * - principal: the key that made the call.
 */
export interface AuditRecord {
  id: string;
  accountId: string;
  region: string;
  eventTime: string;
  requestId: string;
  principal: { keyId: string | null; keyName: string | null; role: string | null };
  service: string;
  action: string;
  resourceArn: string | null;
  requestParameters: unknown;
  responseElements: unknown;
  statusCode: number;
  errorCode: string | null;
  errorMessage: string | null;
  sourceIp: string | null;
  userAgent: string | null;
}

export type NewAuditRecord = Omit<AuditRecord, 'id' | 'eventTime' | 'region'>;

export interface AuditFilter {
  action?: string | undefined;
  service?: string | undefined;
  resourceArn?: string | undefined;
  keyName?: string | undefined;
  errorsOnly?: boolean | undefined;
  from?: string | undefined;
  to?: string | undefined;
}
