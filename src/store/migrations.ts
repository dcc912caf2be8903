/**
 * Hookline's schema, in SQL that SQLite and PostgreSQL both accept. Times are epoch
 * milliseconds (BIGINT); JSON documents are TEXT. Append new migrations; never edit one.
 */
export const MIGRATIONS: readonly string[] = [
  `
CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  namespace TEXT NOT NULL,
  name TEXT NOT NULL,
  spec TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX jobs_namespace ON jobs (namespace, id);

CREATE TABLE executions (
  id TEXT PRIMARY KEY,
  job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  namespace TEXT NOT NULL,
  status TEXT NOT NULL,
  trigger_type TEXT NOT NULL,
  trigger TEXT NOT NULL,
  spec TEXT NOT NULL,
  scheduled_time BIGINT NOT NULL,
  idempotency_key TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  request TEXT,
  response TEXT,
  created_at BIGINT NOT NULL,
  started_at BIGINT,
  finished_at BIGINT
);
CREATE UNIQUE INDEX executions_idempotency ON executions (job_id, idempotency_key);
CREATE INDEX executions_job_created ON executions (job_id, created_at, id);

CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  execution_id TEXT NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  attempt INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  timeout_ms INTEGER NOT NULL,
  due_at BIGINT NOT NULL,
  lease_owner TEXT,
  lease_until BIGINT,
  message_id TEXT NOT NULL,
  last_error TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX runs_execution ON runs (execution_id);
CREATE INDEX runs_pending ON runs (due_at) WHERE status = 'pending';
CREATE INDEX runs_leased ON runs (lease_until) WHERE status = 'running';

CREATE TABLE attempts (
  id TEXT PRIMARY KEY,
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  execution_id TEXT NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
  attempt INTEGER NOT NULL,
  started_at BIGINT NOT NULL,
  duration_ms INTEGER NOT NULL,
  status_code INTEGER,
  error_code TEXT,
  error TEXT,
  request TEXT NOT NULL,
  response_headers TEXT,
  response_body TEXT,
  response_truncated INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX attempts_execution ON attempts (execution_id, attempt);
CREATE INDEX attempts_run ON attempts (run_id);

CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`,
  `
ALTER TABLE jobs ADD COLUMN enabled INTEGER NOT NULL DEFAULT 1;
ALTER TABLE jobs ADD COLUMN next_run_at BIGINT;
ALTER TABLE jobs ADD COLUMN last_run_at BIGINT;
CREATE INDEX jobs_due ON jobs (next_run_at) WHERE enabled = 1 AND next_run_at IS NOT NULL;
CREATE INDEX jobs_paused ON jobs (id) WHERE enabled = 0;
CREATE INDEX executions_unfinished ON executions (job_id) WHERE finished_at IS NULL;

CREATE TABLE ticks (
  job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  scheduled_for BIGINT NOT NULL,
  status TEXT NOT NULL,
  execution_id TEXT,
  missed_until BIGINT,
  missed_count INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (job_id, scheduled_for)
);
`,
];

export const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS hookline_migrations (
  version INTEGER PRIMARY KEY,
  applied_at BIGINT NOT NULL
)`;
