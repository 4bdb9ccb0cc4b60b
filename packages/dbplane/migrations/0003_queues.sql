-- queues: durable message queues (dead-letter queues, request queues).
CREATE TABLE queues (
  id uuid PRIMARY KEY,
  account_id text NOT NULL REFERENCES accounts (id),
  name text NOT NULL,
  arn text NOT NULL,
  visibility_timeout_s integer NOT NULL,
  retention_s integer NOT NULL,
  delay_s integer NOT NULL,
  receive_wait_s integer NOT NULL,
  max_receive_count integer,
  dead_letter_queue_id uuid REFERENCES queues (id) ON DELETE SET NULL,
  tags jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, name)
);

-- queue_messages: a message is visible when visible_at has passed; receiving hides it
-- for the visibility timeout and gives it a new receipt handle.
CREATE TABLE queue_messages (
  id uuid PRIMARY KEY,
  queue_id uuid NOT NULL REFERENCES queues (id) ON DELETE CASCADE,
  seq bigserial NOT NULL,
  body text NOT NULL,
  attributes jsonb NOT NULL DEFAULT '{}'::jsonb,
  sent_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  visible_at timestamptz NOT NULL,
  receive_count integer NOT NULL DEFAULT 0,
  first_received_at timestamptz,
  receipt_handle uuid,
  source_queue_id uuid
);
CREATE INDEX queue_messages_ready ON queue_messages (queue_id, visible_at, seq);
CREATE UNIQUE INDEX queue_messages_receipt ON queue_messages (receipt_handle) WHERE receipt_handle IS NOT NULL;
