-- functions: user code (the Lambda of dbplane). `$LATEST` is the row itself; published
-- versions are immutable copies of its code and configuration.
CREATE TABLE functions (
  id uuid PRIMARY KEY,
  account_id text NOT NULL REFERENCES accounts (id),
  name text NOT NULL,
  arn text NOT NULL,
  config jsonb NOT NULL,
  code bytea NOT NULL,
  code_sha256 text NOT NULL,
  tags jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, name)
);

CREATE TABLE function_versions (
  function_id uuid NOT NULL REFERENCES functions (id) ON DELETE CASCADE,
  version integer NOT NULL,
  config jsonb NOT NULL,
  code bytea NOT NULL,
  code_sha256 text NOT NULL,
  description text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (function_id, version)
);

CREATE TABLE function_aliases (
  function_id uuid NOT NULL REFERENCES functions (id) ON DELETE CASCADE,
  alias text NOT NULL,
  version integer NOT NULL,
  description text NOT NULL DEFAULT '',
  PRIMARY KEY (function_id, alias)
);

-- function_logs: each invocation's log lines, kept for the retention period.
CREATE TABLE function_logs (
  seq bigserial PRIMARY KEY,
  function_id uuid NOT NULL REFERENCES functions (id) ON DELETE CASCADE,
  request_id uuid NOT NULL,
  version text NOT NULL,
  line text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX function_logs_function ON function_logs (function_id, seq);

-- function_async: `Event` invocations, durable once accepted; a worker claims them with a
-- lease, retries a failed one, then sends it to the function's on-failure queue.
CREATE TABLE function_async (
  id uuid PRIMARY KEY,
  function_id uuid NOT NULL REFERENCES functions (id) ON DELETE CASCADE,
  account_id text NOT NULL,
  function_name text NOT NULL,
  qualifier text,
  payload json NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  due_at timestamptz NOT NULL DEFAULT now(),
  lease_owner text,
  lease_until timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX function_async_due ON function_async (due_at);

-- function_urls: a public HTTP endpoint per function (/fn/{name}), authenticated by an API key
-- or by an HMAC-SHA256 signature of the body with the URL's secret (as webhook senders sign).
CREATE TABLE function_urls (
  function_id uuid PRIMARY KEY REFERENCES functions (id) ON DELETE CASCADE,
  account_id text NOT NULL,
  name text NOT NULL,
  auth text NOT NULL CHECK (auth IN ('API_KEY', 'HMAC')),
  hmac_secret text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX function_urls_name ON function_urls (name);

-- signing_keys: keys for short-lived tokens (functions calling the API); shared by all nodes.
CREATE TABLE signing_keys (
  id text PRIMARY KEY,
  secret bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
