/**
 * The event bus domain (EventBridge semantics).
 *
 * Glossary:
 * - envelope: the event as patterns and transformers see it (`version`, `id`,
 *   `detail-type`, `source`, `account`, `time`, `region`, `resources`, `detail`).
 * - delivery: one (event, matching target) pair, claimed by a delivery worker with a lease.
 */

/** NOTIFY channel woken when events are accepted. */
export const EVENTS_CHANNEL = 'dbplane_events';
/** NOTIFY channel woken when deliveries are written. */
export const DELIVERIES_CHANNEL = 'dbplane_event_deliveries';
/** The detail-type of audit records published as events. */
export const AUDIT_DETAIL_TYPE = 'dbplane API Call via Audit Trail';
export const MAX_TARGETS_PER_RULE = 5;
export const MAX_PUT_EVENTS_BYTES = 256 * 1024;

/** The EventBridge event envelope. */
export interface EventEnvelope {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
  'replay-name'?: string;
}

export interface RetryPolicy {
  maximumRetryAttempts: number;
  maximumEventAgeInSeconds: number;
}

export const RETRY_DEFAULTS: RetryPolicy = { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86_400 };

/** A rule's target as the API takes and answers it. */
export interface Target {
  id: string;
  arn: string;
  input?: string | undefined;
  inputPath?: string | undefined;
  inputTransformer?:
    | { inputPathsMap?: Record<string, string> | undefined; inputTemplate: string }
    | undefined;
  retryPolicy?: Partial<RetryPolicy> | undefined;
  deadLetterQueue?: string | undefined;
}

export interface Rule {
  name: string;
  arn: string;
  eventBusName: string;
  eventPattern?: unknown;
  scheduleExpression?: string;
  state: 'ENABLED' | 'DISABLED';
  description?: string;
}

export interface EventBus {
  name: string;
  arn: string;
  description?: string;
  createdAt: string;
}

/** One PutEvents entry. */
export interface PutEventsEntry {
  source?: string | undefined;
  detailType?: string | undefined;
  detail?: unknown;
  resources?: string[] | undefined;
  time?: string | undefined;
  eventBusName?: string | undefined;
}

/** One PutEvents result: an id or an error, as EventBridge answers. */
export type PutEventsResult = { eventId: string } | { errorCode: string; errorMessage: string };
