import type { EventsService } from '../bus/events-service.js';
import type { Db } from '../store/db.js';
import type { InstanceRow } from './sql.js';
import type { InstanceStatus } from './types.js';

const CATEGORY: Record<InstanceStatus | 'deleted', string> = {
  creating: 'creation',
  available: 'availability',
  modifying: 'configuration change',
  starting: 'notification',
  stopping: 'notification',
  stopped: 'notification',
  deleting: 'deletion',
  deleted: 'deletion',
  failed: 'failure',
};

/** Publishes instance state changes on the account's default bus, in the caller's transaction. */
export interface InstanceEvents {
  changed(
    db: Db,
    row: InstanceRow,
    previous: InstanceStatus | null,
    status: InstanceStatus | 'deleted',
  ): Promise<void>;
}

/**
 * Instance state changes as RDS publishes them (source `aws.rds`,
 * detail-type "RDS DB Instance Event", `SourceIdentifier`, `SourceArn`,
 * `EventCategories`, `Message`), with dbplane's `status`, `previousStatus`,
 * `engine` and `provider` added, so that rules written for RDS match.
 */
export function createInstanceEvents(events: EventsService): InstanceEvents {
  return {
    async changed(db, row, previous, status) {
      const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      await events.publish(db, {
        accountId: row.account_id,
        busName: 'default',
        envelope: {
          version: '0',
          'detail-type': 'RDS DB Instance Event',
          source: 'aws.rds',
          time: now,
          resources: [row.arn],
          detail: {
            EventCategories: [CATEGORY[status]],
            SourceType: 'DB_INSTANCE',
            SourceArn: row.arn,
            SourceIdentifier: row.name,
            Date: now,
            Message:
              status === 'failed'
                ? `DB instance failed: ${row.status_reason ?? ''}`
                : `DB instance is ${status}`,
            status,
            previousStatus: previous,
            engine: row.engine,
            provider: row.provider,
          },
        },
      });
    },
  };
}
