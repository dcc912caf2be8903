import { v7 as uuidv7 } from 'uuid';
import type { Driver } from './driver.js';

/** A step of the schema: SQL, or code for what SQL cannot say in both dialects. */
export type Migration = string | ((tx: Driver) => Promise<void>);

/**
 * Hookline's schema, in SQL that SQLite and PostgreSQL both accept. Times are epoch
 * milliseconds (BIGINT); JSON documents are TEXT. Append new migrations; never edit one.
 */
export const MIGRATIONS: readonly Migration[] = [
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
  `
CREATE TABLE hooks (
  id TEXT PRIMARY KEY,
  job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  trigger_id TEXT NOT NULL,
  namespace TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1,
  disabled_reason TEXT,
  stop_after TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  last_triggered_at BIGINT,
  UNIQUE (job_id, trigger_id)
);
CREATE INDEX hooks_namespace ON hooks (namespace, id);

CREATE TABLE invocations (
  id TEXT PRIMARY KEY,
  hook_id TEXT NOT NULL REFERENCES hooks (id) ON DELETE CASCADE,
  received_at BIGINT NOT NULL,
  source_ip TEXT,
  method TEXT NOT NULL,
  query TEXT,
  headers TEXT,
  body TEXT,
  body_size INTEGER NOT NULL DEFAULT 0,
  body_truncated INTEGER NOT NULL DEFAULT 0,
  result TEXT NOT NULL,
  reason TEXT,
  status_code INTEGER NOT NULL,
  execution_id TEXT,
  test INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX invocations_hook ON invocations (hook_id, received_at, id);
CREATE INDEX invocations_received ON invocations (received_at);

CREATE TABLE rate_counts (
  scope TEXT NOT NULL,
  window_start BIGINT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (scope, window_start)
);
CREATE INDEX rate_counts_window ON rate_counts (window_start);

-- Most executions have no idempotency key: the index holds only those that do.
DROP INDEX executions_idempotency;
CREATE UNIQUE INDEX executions_idempotency ON executions (job_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

ALTER TABLE executions ADD COLUMN hook_id TEXT;
CREATE INDEX executions_finished ON executions (finished_at) WHERE finished_at IS NOT NULL;
CREATE INDEX ticks_time ON ticks (scheduled_for);
`,
  backfillHooks,
  `
ALTER TABLE runs ADD COLUMN blockers INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN input TEXT;
ALTER TABLE runs ADD COLUMN output TEXT;
ALTER TABLE runs ADD COLUMN started_at BIGINT;
ALTER TABLE runs ADD COLUMN finished_at BIGINT;

CREATE TABLE endpoints (
  name TEXT PRIMARY KEY,
  spec TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE job_endpoints (
  job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  endpoint TEXT NOT NULL REFERENCES endpoints (name),
  PRIMARY KEY (job_id, endpoint)
);
CREATE INDEX job_endpoints_endpoint ON job_endpoints (endpoint, job_id);
`,
  `
-- Hooks are found by the digest of their URL; rows from before get theirs at start-up (it needs the secret key).
ALTER TABLE hooks ADD COLUMN address TEXT;
CREATE UNIQUE INDEX hooks_address ON hooks (address);
`,
  `
-- Executions listed across jobs, newest first, by status or by namespace.
CREATE INDEX executions_created ON executions (created_at, id);
CREATE INDEX executions_status_created ON executions (status, created_at, id);
CREATE INDEX executions_namespace_created ON executions (namespace, created_at, id);
`,
  `
-- Executions run again by hand (POST .../retry): when they last were, so they can be listed.
ALTER TABLE executions ADD COLUMN retried_at BIGINT;
CREATE INDEX executions_retried_created ON executions (created_at, id) WHERE retried_at IS NOT NULL;
`,
  `
-- The console's overview counts the attempts of the last hour or day.
CREATE INDEX attempts_started ON attempts (started_at);
`,
  `
-- Each attempt names the endpoint it went through, so an endpoint's deliveries can be listed.
ALTER TABLE attempts ADD COLUMN endpoint TEXT;
CREATE INDEX attempts_endpoint ON attempts (endpoint, started_at, id) WHERE endpoint IS NOT NULL;

-- The overview's counts, kept as attempts are written (the overview read the attempts of its window
-- before, which took too long on a large store): per minute of their start, writing node and
-- outcome, with how many took up to each duration bound (ms) and more than the one before; and
-- failures per job and endpoint; and each endpoint's attempts, successes and latest times.
-- attempts_started served only the overview.
DROP INDEX attempts_started;
CREATE TABLE attempt_minutes (
  minute BIGINT NOT NULL,
  owner TEXT NOT NULL,
  outcome TEXT NOT NULL,
  count INTEGER NOT NULL,
  le_5 INTEGER NOT NULL,
  le_10 INTEGER NOT NULL,
  le_25 INTEGER NOT NULL,
  le_50 INTEGER NOT NULL,
  le_100 INTEGER NOT NULL,
  le_250 INTEGER NOT NULL,
  le_500 INTEGER NOT NULL,
  le_1000 INTEGER NOT NULL,
  le_2500 INTEGER NOT NULL,
  le_5000 INTEGER NOT NULL,
  le_10000 INTEGER NOT NULL,
  le_30000 INTEGER NOT NULL,
  le_60000 INTEGER NOT NULL,
  le_300000 INTEGER NOT NULL,
  le_3600000 INTEGER NOT NULL,
  le_inf INTEGER NOT NULL,
  PRIMARY KEY (minute, owner, outcome)
);
CREATE TABLE failure_minutes (
  minute BIGINT NOT NULL,
  owner TEXT NOT NULL,
  job_id TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (minute, owner, job_id, endpoint)
);
CREATE TABLE endpoint_minutes (
  endpoint TEXT NOT NULL,
  minute BIGINT NOT NULL,
  owner TEXT NOT NULL,
  count INTEGER NOT NULL,
  succeeded INTEGER NOT NULL,
  last_at BIGINT NOT NULL,
  last_success_at BIGINT,
  PRIMARY KEY (endpoint, minute, owner)
);
CREATE INDEX endpoint_minutes_minute ON endpoint_minutes (minute);
INSERT INTO attempt_minutes
SELECT CAST(started_at / 60000 AS BIGINT) * 60000, 'migration', CASE WHEN error IS NULL THEN 'success' WHEN error_code = 'TIMEOUT' THEN 'timeout'
  WHEN error_code = 'CONNECTION_ERROR' THEN 'connection' WHEN error_code IS NOT NULL THEN 'other'
  WHEN status_code >= 500 THEN 'http_5xx' WHEN status_code >= 400 THEN 'http_4xx' ELSE 'other' END, COUNT(*),
  SUM(CASE WHEN duration_ms <= 5 THEN 1 ELSE 0 END),
  SUM(CASE WHEN duration_ms <= 10 AND duration_ms > 5 THEN 1 ELSE 0 END),
  SUM(CASE WHEN duration_ms <= 25 AND duration_ms > 10 THEN 1 ELSE 0 END),
  SUM(CASE WHEN duration_ms <= 50 AND duration_ms > 25 THEN 1 ELSE 0 END),
  SUM(CASE WHEN duration_ms <= 100 AND duration_ms > 50 THEN 1 ELSE 0 END),
  SUM(CASE WHEN duration_ms <= 250 AND duration_ms > 100 THEN 1 ELSE 0 END),
  SUM(CASE WHEN duration_ms <= 500 AND duration_ms > 250 THEN 1 ELSE 0 END),
  SUM(CASE WHEN duration_ms <= 1000 AND duration_ms > 500 THEN 1 ELSE 0 END),
  SUM(CASE WHEN duration_ms <= 2500 AND duration_ms > 1000 THEN 1 ELSE 0 END),
  SUM(CASE WHEN duration_ms <= 5000 AND duration_ms > 2500 THEN 1 ELSE 0 END),
  SUM(CASE WHEN duration_ms <= 10000 AND duration_ms > 5000 THEN 1 ELSE 0 END),
  SUM(CASE WHEN duration_ms <= 30000 AND duration_ms > 10000 THEN 1 ELSE 0 END),
  SUM(CASE WHEN duration_ms <= 60000 AND duration_ms > 30000 THEN 1 ELSE 0 END),
  SUM(CASE WHEN duration_ms <= 300000 AND duration_ms > 60000 THEN 1 ELSE 0 END),
  SUM(CASE WHEN duration_ms <= 3600000 AND duration_ms > 300000 THEN 1 ELSE 0 END),
  SUM(CASE WHEN duration_ms > 3600000 THEN 1 ELSE 0 END)
FROM attempts GROUP BY 1, 3;
INSERT INTO failure_minutes
SELECT CAST(a.started_at / 60000 AS BIGINT) * 60000, 'migration', e.job_id, COALESCE(a.endpoint, ''), COUNT(*)
FROM attempts a JOIN executions e ON e.id = a.execution_id WHERE a.error IS NOT NULL GROUP BY 1, 3, 4;
INSERT INTO endpoint_minutes
SELECT endpoint, CAST(started_at / 60000 AS BIGINT) * 60000, 'migration', COUNT(*), SUM(CASE WHEN error IS NULL THEN 1 ELSE 0 END),
  MAX(started_at), MAX(CASE WHEN error IS NULL THEN started_at END)
FROM attempts WHERE endpoint IS NOT NULL GROUP BY 1, 2;
`,
  `
-- Events: each is an execution of its namespace's events job (events:<namespace>, made on first use and
-- never listed), its payload kept once as the trigger; each delivery is a run of kind 'delivery' named
-- after its endpoint. A delivery waits 'held' while its endpoint is paused or disabled, its circuit is
-- open, or its turn (FIFO) has not come.
ALTER TABLE executions ADD COLUMN event_type TEXT;
CREATE INDEX executions_events ON executions (job_id, created_at, id) WHERE event_type IS NOT NULL;
CREATE INDEX runs_held ON runs (name, created_at, id) WHERE status = 'held';
CREATE INDEX runs_deliveries ON runs (name, status, created_at) WHERE kind = 'delivery';
-- Events Hookline raises itself (execution.failed, endpoint.disabled, ...) wait 'routing' until a router gives them deliveries.
CREATE INDEX executions_routing ON executions (created_at) WHERE status = 'routing';

-- An endpoint's subscriptions, by namespace and pattern (an exact type, or a prefix and '*').
ALTER TABLE endpoints ADD COLUMN namespace TEXT NOT NULL DEFAULT 'default';
CREATE TABLE subscriptions (
  namespace TEXT NOT NULL,
  pattern TEXT NOT NULL,
  endpoint TEXT NOT NULL REFERENCES endpoints (name) ON DELETE CASCADE,
  PRIMARY KEY (namespace, pattern, endpoint)
);
CREATE INDEX subscriptions_endpoint ON subscriptions (endpoint);

-- An endpoint's health: paused by hand or disabled (410 Gone, or failing too long), its failure
-- streak, its circuit (open until the next probe is due), and the next free slot of its rate limit.
ALTER TABLE endpoints ADD COLUMN state TEXT NOT NULL DEFAULT 'active';
ALTER TABLE endpoints ADD COLUMN state_reason TEXT;
ALTER TABLE endpoints ADD COLUMN state_at BIGINT;
ALTER TABLE endpoints ADD COLUMN failure_streak INTEGER NOT NULL DEFAULT 0;
ALTER TABLE endpoints ADD COLUMN failing_since BIGINT;
ALTER TABLE endpoints ADD COLUMN probe_at BIGINT;
ALTER TABLE endpoints ADD COLUMN probes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE endpoints ADD COLUMN next_slot_at BIGINT;
-- Signing secrets and keys rotated out, sealed, each signing beside its successor until its time.
ALTER TABLE endpoints ADD COLUMN previous_signing TEXT;

-- Svix applications, served by the Svix-compatible API: each is a namespace, with the name and uid Svix gives it.
CREATE TABLE applications (
  namespace TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  uid TEXT UNIQUE,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

-- The event type catalogue: a description and, optionally, a JSON Schema each payload of the type must match.
CREATE TABLE event_types (
  name TEXT PRIMARY KEY,
  description TEXT,
  schema TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
`,
  `
-- Endpoint filters that could not be evaluated for an event (past their deadline, or failing): which endpoint, and why.
ALTER TABLE executions ADD COLUMN filter_errors TEXT;
-- A receiver's answer that is not text (invalid UTF-8, NUL bytes) is kept as the base64 of its bytes.
ALTER TABLE attempts ADD COLUMN response_encoding TEXT;
-- When a rate-limited endpoint was last sent a delivery: the next goes a whole slot later (send-slot.ts).
ALTER TABLE endpoints ADD COLUMN last_send_at BIGINT;
-- An application's endpoints listed by its own index.
CREATE INDEX endpoints_namespace ON endpoints (namespace, name);
-- Svix endpoint uids, unique within their application, each naming a Hookline endpoint.
CREATE TABLE endpoint_uids (
  namespace TEXT NOT NULL,
  uid TEXT NOT NULL,
  endpoint TEXT NOT NULL REFERENCES endpoints (name) ON DELETE CASCADE,
  PRIMARY KEY (namespace, uid)
);
CREATE INDEX endpoint_uids_endpoint ON endpoint_uids (endpoint);

-- The inspector: requests sent to /inspect/{bin}, each bin keeping its newest, the bins used least recently dropped.
CREATE TABLE inspector_bins (
  bin TEXT PRIMARY KEY,
  secret TEXT,
  created_at BIGINT NOT NULL,
  last_at BIGINT NOT NULL
);
CREATE INDEX inspector_bins_last ON inspector_bins (last_at);
CREATE TABLE inspector_requests (
  id TEXT PRIMARY KEY,
  bin TEXT NOT NULL,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  query TEXT,
  headers TEXT NOT NULL,
  body TEXT,
  body_encoding TEXT,
  truncated INTEGER NOT NULL DEFAULT 0,
  signature TEXT,
  status INTEGER NOT NULL,
  received_at BIGINT NOT NULL
);
CREATE INDEX inspector_requests_bin ON inspector_requests (bin, received_at, id);
`,
];

/**
 * Jobs stored with triggers before hooks had rows of their own get them, in the state their specs
 * say. Its SQL is frozen as it was then: later migrations change the hooks table.
 */
async function backfillHooks(tx: Driver): Promise<void> {
  type Stored = { id: string; namespace: string; spec: string; updated_at: number };
  const jobs = await tx.query<Stored>(`SELECT id, namespace, spec, updated_at FROM jobs WHERE spec LIKE '%"triggers"%'`);
  for (const job of jobs) {
    const triggers = (JSON.parse(job.spec) as { triggers?: Array<{ id: string; enabled?: boolean }> }).triggers ?? [];
    for (const t of triggers) {
      const enabled = t.enabled === undefined ? 1 : t.enabled ? 1 : 0;
      await tx.execute(
        `INSERT INTO hooks (id, job_id, trigger_id, namespace, enabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (job_id, trigger_id) DO NOTHING`,
        [uuidv7(), job.id, t.id, job.namespace, enabled, job.updated_at, job.updated_at],
      );
    }
  }
}

export const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS hookline_migrations (
  version INTEGER PRIMARY KEY,
  applied_at BIGINT NOT NULL
)`;
