-- Rotation settings of a secret (Secrets Manager's RotateSecret). The schedule
-- itself is a rule on the account's default bus; these columns are what
-- DescribeSecret shows and what the rotation workflow records.
ALTER TABLE secrets
  ADD COLUMN rotation_enabled        boolean NOT NULL DEFAULT false,
  ADD COLUMN rotation_rules          jsonb,
  ADD COLUMN last_rotated_at         timestamptz,
  ADD COLUMN rotation_execution_arn  text;
