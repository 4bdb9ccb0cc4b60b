-- accounts: tenants; every resource belongs to one.
CREATE TABLE accounts (
  id text PRIMARY KEY CHECK (id ~ '^[0-9]{12}$'),
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- api_keys: how callers authenticate. Only a hash of the secret is kept.
CREATE TABLE api_keys (
  id text PRIMARY KEY,
  account_id text NOT NULL REFERENCES accounts (id),
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'operator', 'viewer')),
  description text NOT NULL DEFAULT '',
  secret_hash bytea NOT NULL,
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
CREATE UNIQUE INDEX api_keys_active_name ON api_keys (account_id, name) WHERE revoked_at IS NULL;
CREATE INDEX api_keys_account ON api_keys (account_id, created_at, id);

-- audit_records: one per mutating API call, written in the call's transaction.
CREATE TABLE audit_records (
  seq bigserial PRIMARY KEY,
  id uuid NOT NULL UNIQUE,
  account_id text NOT NULL,
  region text NOT NULL,
  event_time timestamptz NOT NULL DEFAULT now(),
  request_id text NOT NULL,
  principal_key_id text,
  principal_name text,
  principal_role text,
  service text NOT NULL,
  action text NOT NULL,
  resource_arn text,
  request_parameters jsonb NOT NULL DEFAULT '{}'::jsonb,
  response_elements jsonb,
  status_code integer NOT NULL,
  error_code text,
  error_message text,
  source_ip text,
  user_agent text
);
CREATE INDEX audit_records_account_seq ON audit_records (account_id, seq DESC);
CREATE INDEX audit_records_account_action ON audit_records (account_id, action, seq DESC);
