-- sanitize: salted hashes of sampled original values of each masked column, taken before a run
-- masks its temporary database and compared with the masked values after; removed by the run's cleanup.
CREATE TABLE sanitize_samples (
  execution_arn text NOT NULL,
  account_id text NOT NULL REFERENCES accounts (id),
  table_name text NOT NULL,
  column_name text NOT NULL,
  rule text NOT NULL,
  hashes text[] NOT NULL,
  taken_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (execution_arn, table_name, column_name)
);
