-- executions: one run of a state machine revision. The engine's state is kept while it runs;
-- the history in execution_events is append-only and is what callers read.
CREATE TABLE executions (
  arn text PRIMARY KEY,
  account_id text NOT NULL REFERENCES accounts (id),
  machine_id uuid NOT NULL,
  state_machine_arn text NOT NULL,
  revision integer NOT NULL,
  version integer,
  alias text,
  name text NOT NULL,
  input json NOT NULL, -- json keeps key order (jsonb would reorder the caller's data)
  input_hash text NOT NULL,
  status text NOT NULL CHECK (status IN ('RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED')),
  output json,
  error text,
  cause text,
  start_date timestamptz NOT NULL DEFAULT now(),
  stop_date timestamptz,
  engine_state json,
  last_event_id integer NOT NULL DEFAULT 0,
  redrive_count integer NOT NULL DEFAULT 0,
  redrive_date timestamptz,
  logging jsonb NOT NULL DEFAULT '{"level":"OFF","includeExecutionData":false}'::jsonb,
  UNIQUE (state_machine_arn, name)
);
CREATE INDEX executions_finished ON executions (stop_date) WHERE stop_date IS NOT NULL;
CREATE INDEX executions_machine_start ON executions (state_machine_arn, start_date DESC, arn);
CREATE INDEX executions_running ON executions (status) WHERE status = 'RUNNING';

CREATE TABLE execution_events (
  execution_arn text NOT NULL REFERENCES executions (arn) ON DELETE CASCADE,
  id integer NOT NULL,
  type text NOT NULL,
  event jsonb NOT NULL,
  PRIMARY KEY (execution_arn, id)
);

-- execution_inbox: inputs waiting for an execution's engine, in order. A timer is a row whose
-- due_at is in the future; cancelling it deletes the row by its timer_id.
CREATE TABLE execution_inbox (
  seq bigserial PRIMARY KEY,
  execution_arn text NOT NULL REFERENCES executions (arn) ON DELETE CASCADE,
  input json NOT NULL,
  due_at timestamptz NOT NULL DEFAULT now(),
  timer_id text
);
CREATE INDEX execution_inbox_due ON execution_inbox (due_at, execution_arn);
CREATE UNIQUE INDEX execution_inbox_timer ON execution_inbox (execution_arn, timer_id) WHERE timer_id IS NOT NULL;

-- execution_tasks: resource invocations the engine asked for. `token` is the stable idempotency
-- token (execution, state, attempt); workers claim `pending` rows with a lease; a task whose
-- lease expired is claimed again. `waiting` tasks wait for a callback (task token) or an
-- activity worker.
CREATE TABLE execution_tasks (
  token text PRIMARY KEY,
  execution_arn text NOT NULL REFERENCES executions (arn) ON DELETE CASCADE,
  account_id text NOT NULL,
  task_id text NOT NULL,
  resource text NOT NULL,
  input json NOT NULL,
  pattern text NOT NULL,
  task_token text UNIQUE,
  status text NOT NULL CHECK (status IN ('pending', 'running', 'waiting', 'activity')),
  attempts integer NOT NULL DEFAULT 0,
  lease_owner text,
  lease_until timestamptz,
  activity_arn text,
  worker_name text,
  created_at timestamptz NOT NULL DEFAULT now(),
  heartbeat_at timestamptz
);
CREATE INDEX execution_tasks_claim ON execution_tasks (status, lease_until, created_at);
CREATE INDEX execution_tasks_activity ON execution_tasks (activity_arn, created_at) WHERE status = 'activity';

-- activities: named task queues polled by external workers.
CREATE TABLE activities (
  arn text PRIMARY KEY,
  account_id text NOT NULL REFERENCES accounts (id),
  name text NOT NULL,
  tags jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, name)
);

-- execution_logs: history events kept as log records by the machine's logging level
-- (ALL, ERROR, FATAL), deleted after the retention period.
CREATE TABLE execution_logs (
  seq bigserial PRIMARY KEY,
  state_machine_arn text NOT NULL,
  execution_arn text NOT NULL,
  event_id integer NOT NULL,
  type text NOT NULL,
  event jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX execution_logs_machine ON execution_logs (state_machine_arn, seq);
CREATE INDEX execution_logs_created ON execution_logs (created_at);
