-- physical snapshots: a consistent copy of a local PostgreSQL instance's data directory (a tar of it,
-- compressed, encrypted and checksummed like a logical dump). Its source is an instance, not a database.
ALTER TABLE snapshots DROP CONSTRAINT snapshots_kind_check;
ALTER TABLE snapshots ADD CONSTRAINT snapshots_kind_check CHECK (kind IN ('logical', 'physical'));
ALTER TABLE snapshots ALTER COLUMN source_database DROP NOT NULL;
ALTER TABLE snapshots ADD CONSTRAINT snapshots_source_check
  CHECK ((kind = 'logical' AND source_database IS NOT NULL) OR (kind = 'physical' AND source_instance IS NOT NULL));
