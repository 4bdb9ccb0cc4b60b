-- Secrets (Secrets Manager semantics). Values are stored only as envelope-encrypted
-- ciphertext; key material lives in the node's keyring, never in the database.
CREATE TABLE secrets (
  id            uuid PRIMARY KEY,
  account_id    text NOT NULL,
  name          text NOT NULL,
  arn           text NOT NULL UNIQUE,
  description   text NOT NULL DEFAULT '',
  kms_key_id    text NOT NULL,
  tags          jsonb NOT NULL DEFAULT '{}',
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  deleted_at    timestamptz,
  delete_after  timestamptz,
  UNIQUE (account_id, name)
);

CREATE TABLE secret_versions (
  secret_id     uuid NOT NULL REFERENCES secrets (id) ON DELETE CASCADE,
  version_id    text NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('string', 'binary')),
  ciphertext    bytea NOT NULL,
  iv            bytea NOT NULL,
  auth_tag      bytea NOT NULL,
  wrapped_key   bytea NOT NULL,
  key_id        text NOT NULL,
  key_version   integer NOT NULL,
  stages        text[] NOT NULL DEFAULT '{}',
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (secret_id, version_id)
);
CREATE INDEX secret_versions_stages ON secret_versions USING gin (stages);
