import type { AuditService } from '../audit/service.js';
import type { EventsService } from './events-service.js';

/**
 * The audit service, publishing each record it writes as an event on the
 * account's default bus, in the same transaction (`db`) as the record.
 * PutEvents is a data-plane route and is not audited, so this cannot loop.
 */
export function publishingAudit(audit: AuditService, events: EventsService): AuditService {
  return {
    ...audit,
    async record(db, r) {
      const record = await audit.record(db, r);
      await events.publishAudit(db, record);
      return record;
    },
  };
}
