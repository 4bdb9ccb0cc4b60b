import { NotFoundError } from '../errors/index.js';
import type { Logger } from '../log/logger.js';
import type { QueuesService } from '../queues/service.js';
import type { Pool } from '../store/db.js';
import * as dsql from './delivery-sql.js';
import type { BusObserver } from './metrics.js';
import { DeliveryError, type DeliveryFailure, type TargetKind } from './targets.js';
import { RETRY_DEFAULTS, type RetryPolicy } from './types.js';

export interface DeliveryOptions {
  /** First retry delay; doubles each attempt, with full jitter, capped at `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  leaseMs?: number;
}

/** The backoff before retry number `attempt` (1-based): exponential with jitter. */
export function backoffMs(attempt: number, base: number, max: number, random = Math.random): number {
  const cap = Math.min(max, base * 2 ** Math.min(attempt - 1, 30));
  return Math.round(cap / 2 + (random() * cap) / 2);
}

function policyOf(p: Partial<RetryPolicy> | undefined): RetryPolicy {
  return { ...RETRY_DEFAULTS, ...p };
}

function asFailure(err: unknown): DeliveryFailure {
  if (err instanceof DeliveryError) return err.failure;
  return { code: 'INTERNAL_ERROR', message: (err as Error).message ?? String(err), retriable: true };
}

const queueName = (nameOrArn: string) => nameOrArn.split(':').slice(5).join(':') || nameOrArn;

/**
 * The delivery worker: claims due deliveries with a lease, invokes their
 * target, and retries retriable failures with backoff until the retry policy
 * runs out; then sends the event to the target's dead-letter queue (or drops
 * and counts it).
 */
export function createDeliverer(deps: {
  pool: Pool;
  kinds: readonly TargetKind[];
  queues: QueuesService;
  owner: string;
  log: Logger;
  options?: DeliveryOptions;
  observer?: BusObserver;
}) {
  const observe = (o: Parameters<BusObserver['delivery']>[0]) => deps.observer?.delivery(o);
  const base = deps.options?.baseDelayMs ?? 1000;
  const max = deps.options?.maxDelayMs ?? 300_000;
  const leaseMs = deps.options?.leaseMs ?? 60_000;

  const invoke = async (d: dsql.DeliveryRow) => {
    if (d.input === null)
      throw new DeliveryError({
        code: d.last_error_code ?? 'INVALID_JSON',
        message: d.last_error_message ?? '',
        retriable: false,
      });
    const kind = deps.kinds.find((k) => k.matches(d.target.arn));
    if (kind === undefined)
      throw new DeliveryError({ code: 'NO_RESOURCE', message: 'unsupported target', retriable: false });
    await kind.invoke(d.target.arn, { pool: deps.pool, accountId: d.account_id, input: d.input });
  };

  const giveUp = async (d: dsql.DeliveryRow, f: DeliveryFailure, condition: string) => {
    const dlq = d.target.deadLetterQueue;
    if (dlq === undefined) {
      await dsql.countDrop(deps.pool, d.rule_arn, d.target_id);
      observe('dropped');
      deps.log.warn(
        { ruleArn: d.rule_arn, target: d.target_id, code: f.code },
        'event dropped (no dead-letter queue)',
      );
    } else {
      await deps.queues
        .send({
          accountId: d.account_id,
          name: queueName(dlq),
          body: JSON.stringify(d.envelope),
          attributes: {
            RULE_ARN: d.rule_arn,
            TARGET_ARN: d.target.arn,
            ERROR_CODE: f.code,
            ERROR_MESSAGE: f.message.slice(0, 1024),
            EXHAUSTED_RETRY_CONDITION: condition,
            RETRY_ATTEMPTS: String(d.attempts),
          },
        })
        .then(
          () => observe('dead_lettered'),
          async (err: unknown) => {
            // Another failure (the store) leaves the delivery leased: it is tried again when the lease ends.
            if (!(err instanceof NotFoundError)) throw err;
            deps.log.error({ err, dlq }, 'dead-letter queue does not exist; event dropped');
            await dsql.countDrop(deps.pool, d.rule_arn, d.target_id);
            observe('dropped');
          },
        );
    }
    await dsql.completeDelivery(deps.pool, d.id, deps.owner);
  };

  const handle = async (d: dsql.DeliveryRow) => {
    try {
      await invoke(d);
      await dsql.completeDelivery(deps.pool, d.id, deps.owner);
      observe('delivered');
      return;
    } catch (err) {
      const f = asFailure(err);
      const policy = policyOf(d.target.retryPolicy);
      const ageS = (Date.now() - d.ingested_at.getTime()) / 1000;
      if (!f.retriable) return giveUp(d, f, 'NotRetriable');
      if (d.attempts >= policy.maximumRetryAttempts) return giveUp(d, f, 'MaximumRetryAttempts');
      const delay = backoffMs(d.attempts + 1, base, max);
      if (ageS + delay / 1000 > policy.maximumEventAgeInSeconds)
        return giveUp(d, f, 'MaximumEventAgeInSeconds');
      await dsql.retryDelivery(deps.pool, {
        id: d.id,
        owner: deps.owner,
        delayMs: delay,
        code: f.code,
        message: f.message,
      });
      observe('retried');
    }
  };

  return {
    /** Claims and handles one batch; answers how many it handled. */
    async step(): Promise<number> {
      const batch = await dsql.claimDeliveries(deps.pool, deps.owner, 20, leaseMs);
      await Promise.all(batch.map(handle));
      return batch.length;
    },
  };
}
