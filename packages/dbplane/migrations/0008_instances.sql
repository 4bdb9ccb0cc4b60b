-- instances: database servers dbplane manages. Admin credentials are in the secrets store
-- (admin_secret_arn), never here. A local instance is supervised by the node in node_id.
CREATE TABLE instances (
  id uuid PRIMARY KEY,
  account_id text NOT NULL REFERENCES accounts (id),
  name text NOT NULL,
  arn text NOT NULL,
  engine text NOT NULL CHECK (engine IN ('postgres', 'mysql')),
  provider text NOT NULL CHECK (provider IN ('local', 'external')),
  version text,
  status text NOT NULL CHECK (status IN ('creating', 'available', 'modifying', 'starting', 'stopping', 'stopped', 'deleting', 'failed')),
  status_reason text,
  host text,
  port integer,
  admin_secret_arn text,
  node_id text,
  deletion_protection boolean NOT NULL DEFAULT false,
  execution_arn text,
  tags jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, name)
);
CREATE INDEX instances_node ON instances (node_id) WHERE provider = 'local';
