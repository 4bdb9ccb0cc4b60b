import { createHash, randomUUID } from 'node:crypto';
import { buildArn } from '../arn.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors/index.js';
import { decodePageToken, encodePageToken, takePage } from '../paging.js';
import type { Db, Pool } from '../store/db.js';
import type { Notifier } from '../store/notifier.js';
import * as sql from './sql.js';
import {
  QUEUE_CHANNEL,
  QUEUE_DEFAULTS,
  type Queue,
  type QueueAttributes,
  type QueueMessage,
} from './types.js';

type Ref = Readonly<{ accountId: string; name: string }>;
export type QueueSettings = Partial<QueueAttributes> & { tags?: Record<string, string> | undefined };

/**
 * Queues with SQS semantics: at-least-once delivery, visibility timeouts,
 * long polling woken by NOTIFY, dead-letter queues and redrive.
 *
 * @example
 * await queues.send({ accountId, name: 'dlq', body: '{"a":1}' });
 * const [msg] = await queues.receive({ accountId, name: 'dlq', max: 1, waitSeconds: 20 });
 */
export function createQueuesService(deps: { pool: Pool; region: string; notifier: Notifier }) {
  const { pool, region, notifier } = deps;
  const arnOf = (accountId: string, name: string) =>
    buildArn({ service: 'sqs', region, accountId, resource: name });

  const load = async (db: Db, ref: Ref) => {
    const row = await sql.findQueue(db, ref);
    if (row === undefined) throw new NotFoundError('queue', ref.name);
    return row;
  };

  const fields = async (
    db: Db,
    accountId: string,
    s: QueueSettings,
    base: QueueAttributes,
  ): Promise<sql.QueueFields> => {
    const merged = { ...base, ...definedOnly(s) };
    let deadLetterQueueId: string | null = null;
    if (merged.deadLetterQueue !== null) {
      const dlq = await sql.findQueue(db, { accountId, name: merged.deadLetterQueue });
      if (dlq === undefined) {
        throw new ValidationError([
          { path: '/deadLetterQueue', message: `queue "${merged.deadLetterQueue}" does not exist` },
        ]);
      }
      deadLetterQueueId = dlq.id;
    }
    if ((merged.maxReceiveCount === null) !== (merged.deadLetterQueue === null)) {
      throw new ValidationError([
        { path: '/maxReceiveCount', message: 'maxReceiveCount and deadLetterQueue must be given together' },
      ]);
    }
    return { ...merged, deadLetterQueueId };
  };

  return {
    arnOf,

    async create(tx: Db, p: Ref & QueueSettings): Promise<Queue> {
      if ((await sql.findQueue(tx, p)) !== undefined)
        throw new ConflictError(`queue "${p.name}" already exists`);
      const base: QueueAttributes = { ...QUEUE_DEFAULTS, maxReceiveCount: null, deadLetterQueue: null };
      const f = await fields(tx, p.accountId, p, base);
      if (f.deadLetterQueueId !== null && p.deadLetterQueue === p.name) {
        throw new ValidationError([
          { path: '/deadLetterQueue', message: 'a queue cannot be its own dead-letter queue' },
        ]);
      }
      await sql.insertQueue(tx, {
        ...f,
        id: randomUUID(),
        accountId: p.accountId,
        name: p.name,
        arn: arnOf(p.accountId, p.name),
        tags: p.tags ?? {},
      });
      return toQueue(await load(tx, p));
    },

    async update(tx: Db, p: Ref & QueueSettings): Promise<Queue> {
      const row = await load(tx, p);
      if (p.deadLetterQueue === p.name) {
        throw new ValidationError([
          { path: '/deadLetterQueue', message: 'a queue cannot be its own dead-letter queue' },
        ]);
      }
      await sql.updateQueue(tx, { id: row.id, ...(await fields(tx, p.accountId, p, attributesOf(row))) });
      return toQueue(await load(tx, p));
    },

    async describe(ref: Ref): Promise<Queue> {
      return toQueue(await load(pool, ref));
    },

    async list(
      p: Readonly<{
        accountId: string;
        limit: number;
        nextToken?: string | undefined;
        prefix?: string | undefined;
      }>,
    ) {
      const token = decodePageToken(p.nextToken);
      const rows = await sql.listQueues(pool, {
        ...p,
        afterName: token === undefined ? undefined : String(token.n),
      });
      const { page, more } = takePage(rows, p.limit);
      const result: { queues: Queue[]; nextToken?: string } = { queues: page.map(toQueue) };
      const last = page.at(-1);
      if (more && last !== undefined) result.nextToken = encodePageToken({ n: last.name });
      return result;
    },

    async remove(tx: Db, ref: Ref): Promise<Queue> {
      const row = await load(tx, ref);
      const users = await sql.queuesUsingAsDlq(tx, row.id);
      if (users.length > 0)
        throw new ConflictError(`queue "${ref.name}" is the dead-letter queue of ${users.join(', ')}`);
      await sql.deleteQueue(tx, row.id);
      return toQueue(row);
    },

    /** Sends one message; durable when this returns (or when `db`'s transaction commits). */
    async send(
      p: Ref & {
        body: string;
        delaySeconds?: number | undefined;
        attributes?: Record<string, string> | undefined;
      },
      db: Db = pool,
    ): Promise<{ messageId: string; md5OfBody: string }> {
      const row = await load(db, p);
      const messageId = randomUUID();
      await sql.insertMessage(db, {
        id: messageId,
        queueId: row.id,
        body: p.body,
        attributes: p.attributes ?? {},
        delaySeconds: p.delaySeconds ?? row.delay_s,
        retentionSeconds: row.retention_s,
      });
      await db.query('SELECT pg_notify($1, $2)', [QUEUE_CHANNEL, row.id]);
      return { messageId, md5OfBody: createHash('md5').update(p.body).digest('hex') };
    },

    /** Receives up to `max` messages, waiting up to `waitSeconds` for one to arrive. */
    async receive(
      p: Ref & {
        max?: number | undefined;
        waitSeconds?: number | undefined;
        visibilityTimeoutSeconds?: number | undefined;
      },
      signal?: AbortSignal,
    ): Promise<QueueMessage[]> {
      const row = await load(pool, p);
      const deadline = Date.now() + 1000 * (p.waitSeconds ?? row.receive_wait_s);
      for (;;) {
        const cursor = notifier.cursor(QUEUE_CHANNEL);
        await sql.sweepQueue(pool, {
          queueId: row.id,
          maxReceiveCount: row.max_receive_count,
          dlqId: row.dead_letter_queue_id,
        });
        const got = await sql.receiveMessages(pool, {
          queueId: row.id,
          max: p.max ?? 1,
          visibilitySeconds: p.visibilityTimeoutSeconds ?? row.visibility_timeout_s,
        });
        const left = deadline - Date.now();
        if (got.length > 0 || left <= 0 || signal?.aborted) return got.map(toMessage);
        await notifier.wait(QUEUE_CHANNEL, Math.min(left, 1000), row.id, signal, cursor);
      }
    },

    async deleteMessage(ref: Ref & { receiptHandle: string }): Promise<void> {
      const row = await load(pool, ref);
      if (!(await sql.deleteMessage(pool, { queueId: row.id, receiptHandle: ref.receiptHandle }))) {
        throw new NotFoundError('message with receipt handle', ref.receiptHandle);
      }
    },

    async changeVisibility(
      ref: Ref & { receiptHandle: string; visibilityTimeoutSeconds: number },
    ): Promise<void> {
      const row = await load(pool, ref);
      const ok = await sql.changeVisibility(pool, {
        queueId: row.id,
        receiptHandle: ref.receiptHandle,
        seconds: ref.visibilityTimeoutSeconds,
      });
      if (!ok) throw new NotFoundError('in-flight message with receipt handle', ref.receiptHandle);
    },

    async purge(tx: Db, ref: Ref): Promise<{ deleted: number }> {
      return { deleted: await sql.purge(tx, (await load(tx, ref)).id) };
    },

    /** Moves a dead-letter queue's messages back to their source queues (or to `destination`). */
    async redrive(
      tx: Db,
      p: Ref & { destination?: string | undefined; max?: number | undefined },
    ): Promise<{ moved: number }> {
      const dlq = await load(tx, p);
      const destination =
        p.destination === undefined
          ? null
          : (await load(tx, { accountId: p.accountId, name: p.destination })).id;
      const moved = await sql.redrive(tx, {
        dlqId: dlq.id,
        destinationId: destination,
        max: p.max ?? 10_000,
      });
      if (moved > 0)
        await tx.query(`SELECT pg_notify($1, id::text) FROM queues WHERE account_id = $2`, [
          QUEUE_CHANNEL,
          p.accountId,
        ]);
      return { moved };
    },
  };
}

export type QueuesService = ReturnType<typeof createQueuesService>;

function definedOnly(s: QueueSettings): Partial<QueueAttributes> {
  const out: Partial<QueueAttributes> = {};
  for (const [k, v] of Object.entries(s))
    if (v !== undefined && k !== 'tags') (out as Record<string, unknown>)[k] = v;
  return out;
}

function attributesOf(row: sql.QueueRow): QueueAttributes {
  return {
    visibilityTimeoutSeconds: row.visibility_timeout_s,
    messageRetentionSeconds: row.retention_s,
    delaySeconds: row.delay_s,
    receiveWaitTimeSeconds: row.receive_wait_s,
    maxReceiveCount: row.max_receive_count,
    deadLetterQueue: row.dlq_name,
  };
}

function toQueue(row: sql.QueueRow): Queue {
  return {
    arn: row.arn,
    name: row.name,
    ...attributesOf(row),
    tags: row.tags,
    approximateMessages: Number(row.visible),
    approximateMessagesNotVisible: Number(row.in_flight),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function toMessage(row: sql.MessageRow): QueueMessage {
  return {
    messageId: row.id,
    receiptHandle: row.receipt_handle,
    body: row.body,
    attributes: row.attributes,
    receiveCount: row.receive_count,
    sentAt: row.sent_at.toISOString(),
    firstReceivedAt: row.first_received_at?.toISOString() ?? null,
  };
}
