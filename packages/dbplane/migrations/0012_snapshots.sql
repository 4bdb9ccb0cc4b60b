-- snapshots: logical dumps of databases in the region's snapshot store, compressed, encrypted
-- with a data key wrapped by a region key (the wrapped key is in the file's header, not here),
-- and checksummed (sha256 of the stored bytes, verified before a restore decrypts anything).
CREATE TABLE snapshots (
  id uuid PRIMARY KEY,
  account_id text NOT NULL REFERENCES accounts (id),
  name text NOT NULL,
  arn text NOT NULL UNIQUE,
  kind text NOT NULL CHECK (kind IN ('logical')),
  -- the source: a database of the same account, its engine and instance when taken
  source_database text NOT NULL,
  engine text NOT NULL CHECK (engine IN ('postgres', 'mysql')),
  source_instance text,
  status text NOT NULL CHECK (status IN ('creating', 'available', 'failed')),
  status_reason text,
  progress integer NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
  region text NOT NULL,
  -- where the store keeps it (relative to the store's root)
  location text NOT NULL,
  size_bytes bigint,
  checksum text,
  compression text CHECK (compression IN ('zstd', 'gzip')),
  key_arn text,
  -- accounts it is shared with (ModifySnapshotAttribute restore): they may see and restore it
  shared_with text[] NOT NULL DEFAULT '{}',
  execution_arn text,
  tags jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, name)
);
CREATE INDEX snapshots_shared_with ON snapshots USING gin (shared_with);
