import type { Db } from '../store/db.js';

export interface QueueRow {
  id: string;
  account_id: string;
  name: string;
  arn: string;
  visibility_timeout_s: number;
  retention_s: number;
  delay_s: number;
  receive_wait_s: number;
  max_receive_count: number | null;
  dead_letter_queue_id: string | null;
  dlq_name: string | null;
  tags: Record<string, string>;
  created_at: Date;
  updated_at: Date;
  visible: string;
  in_flight: string;
}

export interface MessageRow {
  id: string;
  body: string;
  attributes: Record<string, string>;
  sent_at: Date;
  receive_count: number;
  first_received_at: Date | null;
  receipt_handle: string;
}

const QUEUE = `q.*, d.name AS dlq_name,
  (SELECT count(*) FROM queue_messages m WHERE m.queue_id = q.id AND m.visible_at <= now()) AS visible,
  (SELECT count(*) FROM queue_messages m WHERE m.queue_id = q.id AND m.visible_at > now()) AS in_flight
  FROM queues q LEFT JOIN queues d ON d.id = q.dead_letter_queue_id`;

export type QueueFields = Readonly<{
  visibilityTimeoutSeconds: number;
  messageRetentionSeconds: number;
  delaySeconds: number;
  receiveWaitTimeSeconds: number;
  maxReceiveCount: number | null;
  deadLetterQueueId: string | null;
}>;

export async function insertQueue(
  db: Db,
  p: Readonly<{ id: string; accountId: string; name: string; arn: string; tags: Record<string, string> }> &
    QueueFields,
): Promise<void> {
  await db.query(
    `INSERT INTO queues (id, account_id, name, arn, visibility_timeout_s, retention_s, delay_s, receive_wait_s,
       max_receive_count, dead_letter_queue_id, tags) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`,
    [
      p.id,
      p.accountId,
      p.name,
      p.arn,
      p.visibilityTimeoutSeconds,
      p.messageRetentionSeconds,
      p.delaySeconds,
      p.receiveWaitTimeSeconds,
      p.maxReceiveCount,
      p.deadLetterQueueId,
      JSON.stringify(p.tags),
    ],
  );
}

export async function updateQueue(db: Db, p: Readonly<{ id: string }> & QueueFields): Promise<void> {
  await db.query(
    `UPDATE queues SET visibility_timeout_s = $2, retention_s = $3, delay_s = $4, receive_wait_s = $5,
       max_receive_count = $6, dead_letter_queue_id = $7, updated_at = now() WHERE id = $1`,
    [
      p.id,
      p.visibilityTimeoutSeconds,
      p.messageRetentionSeconds,
      p.delaySeconds,
      p.receiveWaitTimeSeconds,
      p.maxReceiveCount,
      p.deadLetterQueueId,
    ],
  );
}

export async function findQueue(
  db: Db,
  p: Readonly<{ accountId: string; name: string }>,
): Promise<QueueRow | undefined> {
  const r = await db.query<QueueRow>(`SELECT ${QUEUE} WHERE q.account_id = $1 AND q.name = $2`, [
    p.accountId,
    p.name,
  ]);
  return r.rows[0];
}

export async function listQueues(
  db: Db,
  p: Readonly<{
    accountId: string;
    limit: number;
    afterName?: string | undefined;
    prefix?: string | undefined;
  }>,
): Promise<QueueRow[]> {
  const r = await db.query<QueueRow>(
    `SELECT ${QUEUE} WHERE q.account_id = $1 AND ($2::text IS NULL OR q.name > $2)
       AND ($3::text IS NULL OR starts_with(q.name, $3)) ORDER BY q.name LIMIT $4`,
    [p.accountId, p.afterName ?? null, p.prefix ?? null, p.limit + 1],
  );
  return r.rows;
}

export async function queuesUsingAsDlq(db: Db, queueId: string): Promise<string[]> {
  const r = await db.query<{ name: string }>(
    'SELECT name FROM queues WHERE dead_letter_queue_id = $1 ORDER BY name',
    [queueId],
  );
  return r.rows.map((row) => row.name);
}

export async function deleteQueue(db: Db, id: string): Promise<void> {
  await db.query('DELETE FROM queues WHERE id = $1', [id]);
}

export async function insertMessage(
  db: Db,
  p: Readonly<{
    id: string;
    queueId: string;
    body: string;
    attributes: Record<string, string>;
    delaySeconds: number;
    retentionSeconds: number;
  }>,
): Promise<void> {
  await db.query(
    `INSERT INTO queue_messages (id, queue_id, body, attributes, visible_at, expires_at)
     VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5), now() + make_interval(secs => $6))`,
    [p.id, p.queueId, p.body, JSON.stringify(p.attributes), p.delaySeconds, p.retentionSeconds],
  );
}

/** Moves messages received `maxReceiveCount` times to the dead-letter queue; drops expired ones. */
export async function sweepQueue(
  db: Db,
  p: Readonly<{ queueId: string; maxReceiveCount: number | null; dlqId: string | null }>,
): Promise<void> {
  await db.query('DELETE FROM queue_messages WHERE queue_id = $1 AND expires_at <= now()', [p.queueId]);
  if (p.maxReceiveCount === null || p.dlqId === null) return;
  await db.query(
    `UPDATE queue_messages SET queue_id = $2, source_queue_id = $1, receive_count = 0, receipt_handle = NULL,
       visible_at = now(), first_received_at = NULL
     WHERE queue_id = $1 AND visible_at <= now() AND receive_count >= $3`,
    [p.queueId, p.dlqId, p.maxReceiveCount],
  );
}

export async function receiveMessages(
  db: Db,
  p: Readonly<{ queueId: string; max: number; visibilitySeconds: number }>,
): Promise<MessageRow[]> {
  const r = await db.query<MessageRow>(
    `WITH picked AS (
       SELECT id FROM queue_messages WHERE queue_id = $1 AND visible_at <= now()
       ORDER BY visible_at, seq LIMIT $2 FOR UPDATE SKIP LOCKED)
     UPDATE queue_messages m SET visible_at = now() + make_interval(secs => $3), receive_count = receive_count + 1,
       receipt_handle = gen_random_uuid(), first_received_at = COALESCE(first_received_at, now())
     FROM picked WHERE m.id = picked.id
     RETURNING m.id, m.body, m.attributes, m.sent_at, m.receive_count, m.first_received_at, m.receipt_handle`,
    [p.queueId, p.max, p.visibilitySeconds],
  );
  return r.rows.sort((a, b) => a.sent_at.getTime() - b.sent_at.getTime());
}

export async function deleteMessage(
  db: Db,
  p: Readonly<{ queueId: string; receiptHandle: string }>,
): Promise<boolean> {
  const r = await db.query('DELETE FROM queue_messages WHERE queue_id = $1 AND receipt_handle = $2', [
    p.queueId,
    p.receiptHandle,
  ]);
  return r.rowCount === 1;
}

export async function changeVisibility(
  db: Db,
  p: Readonly<{ queueId: string; receiptHandle: string; seconds: number }>,
): Promise<boolean> {
  const r = await db.query(
    `UPDATE queue_messages SET visible_at = now() + make_interval(secs => $3)
     WHERE queue_id = $1 AND receipt_handle = $2 AND visible_at > now()`,
    [p.queueId, p.receiptHandle, p.seconds],
  );
  return r.rowCount === 1;
}

export async function purge(db: Db, queueId: string): Promise<number> {
  const r = await db.query('DELETE FROM queue_messages WHERE queue_id = $1', [queueId]);
  return r.rowCount ?? 0;
}

/** Moves a dead-letter queue's messages to `destinationId`, or back to each message's source queue. */
export async function redrive(
  db: Db,
  p: Readonly<{ dlqId: string; destinationId: string | null; max: number }>,
): Promise<number> {
  const r = await db.query(
    `WITH picked AS (SELECT id FROM queue_messages WHERE queue_id = $1
       AND ($2::uuid IS NOT NULL OR source_queue_id IN (SELECT id FROM queues)) ORDER BY seq LIMIT $3 FOR UPDATE SKIP LOCKED)
     UPDATE queue_messages m SET queue_id = COALESCE($2::uuid, m.source_queue_id), source_queue_id = NULL,
       receive_count = 0, receipt_handle = NULL, visible_at = now(), first_received_at = NULL
     FROM picked WHERE m.id = picked.id`,
    [p.dlqId, p.destinationId, p.max],
  );
  return r.rowCount ?? 0;
}
