-- state_machines: each state machine's current revision, addressed by account and name.
-- `id` tells apart a machine from an older one of the same name that was deleted.
CREATE TABLE state_machines (
  id uuid PRIMARY KEY,
  account_id text NOT NULL REFERENCES accounts (id),
  name text NOT NULL,
  arn text NOT NULL,
  type text NOT NULL CHECK (type IN ('STANDARD', 'EXPRESS')),
  role_arn text,
  logging jsonb NOT NULL,
  description text NOT NULL DEFAULT '',
  tags jsonb NOT NULL DEFAULT '{}'::jsonb,
  revision integer NOT NULL,
  builtin boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, name)
);

-- state_machine_revisions: every definition a machine had. Executions point at one, so
-- revisions outlive a deleted machine until its executions are gone.
CREATE TABLE state_machine_revisions (
  machine_id uuid NOT NULL,
  revision integer NOT NULL,
  revision_id uuid NOT NULL UNIQUE,
  definition json NOT NULL, -- json, not jsonb: key order is kept, as ASL outputs depend on it
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (machine_id, revision)
);

-- state_machine_versions: published, immutable, numbered versions (one revision each).
CREATE TABLE state_machine_versions (
  machine_id uuid NOT NULL REFERENCES state_machines (id) ON DELETE CASCADE,
  version integer NOT NULL,
  revision integer NOT NULL,
  description text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (machine_id, version),
  FOREIGN KEY (machine_id, revision) REFERENCES state_machine_revisions (machine_id, revision)
);

-- state_machine_aliases: a name routing to one or two versions by weight.
CREATE TABLE state_machine_aliases (
  machine_id uuid NOT NULL REFERENCES state_machines (id) ON DELETE CASCADE,
  alias text NOT NULL,
  routing jsonb NOT NULL,
  description text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (machine_id, alias)
);
