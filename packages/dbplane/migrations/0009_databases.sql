-- environments: placement and limits for database requests. `default` is made on first use.
CREATE TABLE environments (
  id uuid PRIMARY KEY,
  account_id text NOT NULL REFERENCES accounts (id),
  name text NOT NULL,
  arn text NOT NULL,
  description text NOT NULL DEFAULT '',
  -- per engine: { "postgres": { "instance": "name" } }; an engine without an entry gets a
  -- local instance "<environment>-<engine>" created on first use
  placement jsonb NOT NULL DEFAULT '{}'::jsonb,
  engines text[] NOT NULL DEFAULT '{postgres,mysql}',
  max_ttl_seconds integer,
  default_ttl_seconds integer,
  name_pattern text,
  allow_dedicated boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, name)
);

-- databases: self-service requests and the databases they made. The owner's credentials
-- are in the secrets store (secret_arn), never here.
CREATE TABLE databases (
  id uuid PRIMARY KEY,
  account_id text NOT NULL REFERENCES accounts (id),
  name text NOT NULL,
  arn text NOT NULL,
  engine text NOT NULL CHECK (engine IN ('postgres', 'mysql')),
  environment text NOT NULL,
  instance text,
  host text,
  port integer,
  requested_instance text,
  dedicated boolean NOT NULL DEFAULT false,
  status text NOT NULL CHECK (status IN ('creating', 'available', 'deleting', 'failed')),
  status_reason text,
  owner_login text NOT NULL,
  secret_arn text,
  expires_at timestamptz,
  execution_arn text,
  request_hash text NOT NULL,
  tags jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, name)
);
CREATE INDEX databases_expiry ON databases (expires_at) WHERE expires_at IS NOT NULL AND status = 'available';
