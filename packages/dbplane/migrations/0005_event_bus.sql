-- event_buses: the account's default bus (created lazily) and custom buses.
CREATE TABLE event_buses (
  id uuid PRIMARY KEY,
  account_id text NOT NULL REFERENCES accounts (id),
  name text NOT NULL,
  arn text NOT NULL,
  description text,
  rules_version bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, name)
);

-- events: accepted by PutEvents (or the audit trail, a schedule, a replay); routed_at is set
-- by the router in the same transaction that writes the deliveries.
CREATE TABLE events (
  id uuid PRIMARY KEY,
  seq bigserial NOT NULL,
  bus_id uuid NOT NULL REFERENCES event_buses (id) ON DELETE CASCADE,
  envelope jsonb NOT NULL,
  ingested_at timestamptz NOT NULL DEFAULT now(),
  replay_name text,
  routed_at timestamptz
);
CREATE INDEX events_unrouted ON events (seq) WHERE routed_at IS NULL;

-- event_rules: a pattern or a schedule on a bus.
CREATE TABLE event_rules (
  id uuid PRIMARY KEY,
  bus_id uuid NOT NULL REFERENCES event_buses (id) ON DELETE CASCADE,
  name text NOT NULL,
  arn text NOT NULL,
  event_pattern jsonb,
  schedule_expression text,
  state text NOT NULL CHECK (state IN ('ENABLED', 'DISABLED')),
  description text,
  next_fire_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (bus_id, name)
);
CREATE INDEX event_rules_due ON event_rules (next_fire_at) WHERE next_fire_at IS NOT NULL AND state = 'ENABLED';

-- event_targets: at most five per rule; spec keeps input, retry policy and DLQ as given.
CREATE TABLE event_targets (
  rule_id uuid NOT NULL REFERENCES event_rules (id) ON DELETE CASCADE,
  target_id text NOT NULL,
  arn text NOT NULL,
  spec jsonb NOT NULL,
  PRIMARY KEY (rule_id, target_id)
);

-- event_deliveries: one per (event, matching target), claimed with a lease.
CREATE TABLE event_deliveries (
  id uuid PRIMARY KEY,
  event_id uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  account_id text NOT NULL,
  rule_arn text NOT NULL,
  rule_name text NOT NULL,
  target_id text NOT NULL,
  target jsonb NOT NULL,
  input text,
  attempts integer NOT NULL DEFAULT 0,
  due_at timestamptz NOT NULL DEFAULT now(),
  lease_owner text,
  lease_until timestamptz,
  last_error_code text,
  last_error_message text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX event_deliveries_due ON event_deliveries (due_at);

-- event_drops: undelivered events without a dead-letter queue, counted per rule.
CREATE TABLE event_drops (
  rule_arn text NOT NULL,
  target_id text NOT NULL,
  count bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (rule_arn, target_id)
);

-- event_archives and archived events; replays re-send a time range of an archive.
CREATE TABLE event_archives (
  id uuid PRIMARY KEY,
  account_id text NOT NULL REFERENCES accounts (id),
  name text NOT NULL,
  arn text NOT NULL,
  bus_id uuid NOT NULL REFERENCES event_buses (id) ON DELETE CASCADE,
  event_pattern jsonb,
  retention_days integer NOT NULL DEFAULT 0,
  description text,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, name)
);
CREATE TABLE archived_events (
  archive_id uuid NOT NULL REFERENCES event_archives (id) ON DELETE CASCADE,
  event_id uuid NOT NULL,
  event_time timestamptz NOT NULL,
  envelope jsonb NOT NULL,
  PRIMARY KEY (archive_id, event_id)
);
CREATE INDEX archived_events_time ON archived_events (archive_id, event_time);
CREATE TABLE event_replays (
  id uuid PRIMARY KEY,
  account_id text NOT NULL REFERENCES accounts (id),
  name text NOT NULL,
  arn text NOT NULL,
  archive_id uuid NOT NULL REFERENCES event_archives (id) ON DELETE CASCADE,
  destination_bus_id uuid NOT NULL REFERENCES event_buses (id) ON DELETE CASCADE,
  destination_rules text[],
  start_time timestamptz NOT NULL,
  end_time timestamptz NOT NULL,
  state text NOT NULL,
  replayed integer NOT NULL DEFAULT 0,
  state_reason text,
  created_at timestamptz NOT NULL DEFAULT now(),
  ended_at timestamptz,
  UNIQUE (account_id, name)
);
