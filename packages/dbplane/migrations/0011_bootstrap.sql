-- bootstrap_specs: the bootstrap spec of an instance (roles, databases, grants... it is converged to).
-- Holds no password: a spec names a secret or asks for a generated one, kept in the secrets store.
CREATE TABLE bootstrap_specs (
  id uuid PRIMARY KEY,
  account_id text NOT NULL REFERENCES accounts (id),
  instance text NOT NULL,
  spec jsonb NOT NULL,
  -- sha256 of the canonical spec; version goes up by one when it changes
  spec_hash text NOT NULL,
  version integer NOT NULL DEFAULT 1,
  -- functions whose update starts a reconciliation (the spec's triggers.functions)
  trigger_functions text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, instance)
);
CREATE INDEX bootstrap_specs_trigger_functions ON bootstrap_specs USING gin (trigger_functions);

-- bootstrap_results: the last plan, apply and drift check of each spec (changes with passwords
-- redacted as '***'), and the execution that made it.
CREATE TABLE bootstrap_results (
  spec_id uuid NOT NULL REFERENCES bootstrap_specs (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('plan', 'apply', 'drift')),
  status text NOT NULL CHECK (status IN ('converged', 'changes', 'applied', 'failed')),
  spec_version integer NOT NULL,
  changes jsonb NOT NULL DEFAULT '[]'::jsonb,
  problems jsonb NOT NULL DEFAULT '[]'::jsonb,
  error text,
  execution_arn text,
  at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (spec_id, kind)
);
