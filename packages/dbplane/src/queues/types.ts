/**
 * Durable message queues, with SQS's semantics.
 *
 * Glossary:
 * - visibility timeout: how long a received message stays hidden; if it is
 *   not deleted by then it is delivered again.
 * - receipt handle: proof of one receipt; deleting or changing visibility
 *   needs the latest one.
 * - max receive count: after this many receipts a message moves to the
 *   queue's dead-letter queue instead of being delivered again.
 * - redrive: moving messages from a dead-letter queue back to where they came from.
 */
export interface QueueAttributes {
  visibilityTimeoutSeconds: number;
  messageRetentionSeconds: number;
  delaySeconds: number;
  receiveWaitTimeSeconds: number;
  maxReceiveCount: number | null;
  deadLetterQueue: string | null;
}

export interface Queue extends QueueAttributes {
  arn: string;
  name: string;
  tags: Record<string, string>;
  approximateMessages: number;
  approximateMessagesNotVisible: number;
  createdAt: string;
  updatedAt: string;
}

export interface QueueMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
  attributes: Record<string, string>;
  receiveCount: number;
  sentAt: string;
  firstReceivedAt: string | null;
}

export const QUEUE_DEFAULTS: Omit<QueueAttributes, 'deadLetterQueue' | 'maxReceiveCount'> = {
  visibilityTimeoutSeconds: 30,
  messageRetentionSeconds: 345_600,
  delaySeconds: 0,
  receiveWaitTimeSeconds: 0,
};

/** The channel that `send` notifies, with the queue id as payload, to wake long polls. */
export const QUEUE_CHANNEL = 'dbplane_queue';
