-- cross-region copies, the stores of other regions, and retention policies.
-- A copy is a snapshot row of its own in the destination region; copy_of is its source's ARN.
ALTER TABLE snapshots ADD COLUMN copy_of text;
CREATE INDEX snapshots_copy_of ON snapshots (copy_of) WHERE copy_of IS NOT NULL;

-- the durable progress of a copy: the destination file's header (its data key wrapped by the
-- destination region's key, never in clear), the store's multipart upload and the parts
-- written, so that a retried or taken-over task continues where the last attempt stopped
CREATE TABLE snapshot_copies (
  snapshot_id uuid PRIMARY KEY REFERENCES snapshots (id) ON DELETE CASCADE,
  source_id uuid NOT NULL,
  source_arn text NOT NULL,
  target_region text NOT NULL,
  key_ref text NOT NULL,
  header text,
  upload_id text,
  part_bytes integer CHECK (part_bytes > 0),
  parts_total integer CHECK (parts_total > 0),
  -- [{ "part": n, "etag": "..." }] in the order written
  parts jsonb NOT NULL DEFAULT '[]'::jsonb,
  parts_written integer NOT NULL DEFAULT 0,
  resumed_from_part integer,
  attempts integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX snapshot_copies_source ON snapshot_copies (source_id);

-- the snapshot stores of other regions that this platform knows (the node's own region's store
-- comes from its settings); an S3 secret key is kept wrapped by a key of the node's region
CREATE TABLE snapshot_stores (
  region text PRIMARY KEY,
  type text NOT NULL CHECK (type IN ('directory', 's3')),
  settings jsonb NOT NULL,
  secret jsonb,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- per-source retention: keep the newest keep_last, and/or those younger than keep_days
CREATE TABLE snapshot_retention (
  account_id text NOT NULL REFERENCES accounts (id),
  source_type text NOT NULL CHECK (source_type IN ('database', 'instance')),
  source text NOT NULL,
  keep_last integer CHECK (keep_last >= 1),
  keep_days integer CHECK (keep_days >= 1),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, source_type, source),
  CHECK (keep_last IS NOT NULL OR keep_days IS NOT NULL)
);
