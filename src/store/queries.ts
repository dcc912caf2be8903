/** Every statement of the SQL store, as plain SQL with `?` placeholders. */

export const JOB_COLUMNS = 'id, namespace, name, spec, enabled, next_run_at, last_run_at, created_at, updated_at';

export const INSERT_JOB = `
INSERT INTO jobs (id, namespace, name, spec, enabled, next_run_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO NOTHING`;

export const UPSERT_JOB = `
INSERT INTO jobs (id, namespace, name, spec, enabled, next_run_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET namespace = excluded.namespace, name = excluded.name,
  spec = excluded.spec, enabled = excluded.enabled, next_run_at = excluded.next_run_at, updated_at = excluded.updated_at`;

/** Namespaces' events jobs (events:<namespace>, see event-rows.ts) hold events, and are never shown as jobs. */
const USER_JOB = `id NOT LIKE 'events:%'`;
export const GET_JOB = `SELECT ${JOB_COLUMNS} FROM jobs WHERE id = ? AND ${USER_JOB}`;
export const getJobs = (count: number) => `SELECT ${JOB_COLUMNS} FROM jobs WHERE id IN (${marks(count)}) AND ${USER_JOB}`;
export const LIST_JOBS = `SELECT ${JOB_COLUMNS} FROM jobs WHERE id > ? AND ${USER_JOB} ORDER BY id LIMIT ?`;
export const LIST_JOBS_ENABLED = `SELECT ${JOB_COLUMNS} FROM jobs WHERE enabled = 1 AND id > ? ORDER BY id LIMIT ?`;
/** Written apart from the one above so that it can use the partial index of paused jobs. */
export const LIST_JOBS_PAUSED = `SELECT ${JOB_COLUMNS} FROM jobs WHERE enabled = 0 AND id > ? AND ${USER_JOB} ORDER BY id LIMIT ?`;
export const SET_JOB_ENABLED = `UPDATE jobs SET enabled = ?, next_run_at = ?, updated_at = ? WHERE id = ?`;

/** Enabled jobs whose next tick has come, soonest first. */
export const DUE_JOBS = `
SELECT id, namespace, spec, next_run_at FROM jobs
WHERE enabled = 1 AND next_run_at IS NOT NULL AND next_run_at <= ?
ORDER BY next_run_at LIMIT ?`;

export const NEXT_TICK = `SELECT MIN(next_run_at) AS at FROM jobs WHERE enabled = 1 AND next_run_at IS NOT NULL`;

/** Moves a job to its next tick, only if no one else has since it was read as due. */
export const ADVANCE_JOB = `
UPDATE jobs SET next_run_at = ?, last_run_at = COALESCE(?, last_run_at)
WHERE id = ? AND enabled = 1 AND next_run_at = ?`;

/** A tick is recorded once; the second node to try gets no row and starts nothing. */
export const INSERT_TICK = `
INSERT INTO ticks (job_id, scheduled_for, status, execution_id, missed_until, missed_count, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (job_id, scheduled_for) DO NOTHING`;

export const JOB_RUNNING = `SELECT 1 AS running FROM executions WHERE job_id = ? AND finished_at IS NULL LIMIT 1`;

const TICK_COLUMNS = 'job_id, scheduled_for, status, execution_id, missed_until, missed_count, created_at';
export const LIST_TICKS = `SELECT ${TICK_COLUMNS} FROM ticks WHERE job_id = ? ORDER BY scheduled_for DESC LIMIT ?`;
export const LIST_TICKS_BEFORE = `
SELECT ${TICK_COLUMNS} FROM ticks WHERE job_id = ? AND scheduled_for < ? ORDER BY scheduled_for DESC LIMIT ?`;
export const DELETE_JOB = `DELETE FROM jobs WHERE id = ?`;
export const JOB_EXISTS = `SELECT 1 AS found FROM jobs WHERE id = ?`;

export const GET_META = `SELECT value FROM meta WHERE key = ?`;
export const INIT_META = `INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`;

export const FIND_IDEMPOTENT = `SELECT id, created_at FROM executions WHERE job_id = ? AND idempotency_key = ?`;
export const FORGET_IDEMPOTENCY_KEY = `UPDATE executions SET idempotency_key = NULL WHERE id = ?`;
/** The executions holding these `count` (job, idempotency key) pairs. */
export const findIdempotent = (count: number) => `
SELECT id, job_id, idempotency_key, created_at FROM executions
WHERE idempotency_key IS NOT NULL AND (job_id, idempotency_key) IN (VALUES ${repeat(count, '(?, ?)')})`;
export const forgetIdempotencyKeys = (count: number) => `UPDATE executions SET idempotency_key = NULL WHERE id IN (${marks(count)})`;

const EXECUTION_INSERT = `INSERT INTO executions (id, job_id, namespace, status, trigger_type, trigger, spec, scheduled_time,
  idempotency_key, created_at, started_at, hook_id, event_type)`;
export const INSERT_EXECUTION = `${EXECUTION_INSERT} VALUES (${marks(13)})`;
/** `count` executions in one statement. */
export const insertExecutions = (count: number) => `${EXECUTION_INSERT} VALUES ${rows(count, 13)}`;

/**
 * A run is born pending, blocked on the tasks it depends on, or already running under a lease when
 * it is handed to a local worker.
 */
const RUN_INSERT = `INSERT INTO runs (id, execution_id, kind, name, status, attempt, max_attempts, timeout_ms, due_at, lease_owner,
  lease_until, message_id, created_at, updated_at, blockers, input, started_at)`;
export const INSERT_RUN = `${RUN_INSERT} VALUES (${marks(17)})`;
/** `count` runs in one statement. */
export const insertRuns = (count: number) => `${RUN_INSERT} VALUES ${rows(count, 17)}`;

/** Jobs of these ids that exist. */
export const existingJobs = (count: number) => `SELECT id FROM jobs WHERE id IN (${marks(count)})`;

export const EXECUTION_COLUMNS = `id, job_id, namespace, status, trigger_type, trigger, scheduled_time, attempts,
  last_error, request, response, created_at, started_at, finished_at, retried_at,
  (SELECT MIN(r.due_at) FROM runs r WHERE r.execution_id = executions.id AND r.status = 'pending' AND r.kind = 'task')
    AS next_attempt_at`;

export const GET_EXECUTION = `SELECT ${EXECUTION_COLUMNS}, spec FROM executions WHERE job_id = ? AND id = ?`;
export const GET_EXECUTION_BY_ID = `SELECT ${EXECUTION_COLUMNS}, spec FROM executions WHERE id = ?`;

export const LIST_EXECUTIONS = `
SELECT ${EXECUTION_COLUMNS} FROM executions WHERE job_id = ?
ORDER BY created_at DESC, id DESC LIMIT ?`;

export const LIST_EXECUTIONS_BEFORE = `
SELECT ${EXECUTION_COLUMNS} FROM executions
WHERE job_id = ? AND (created_at < ? OR (created_at = ? AND id < ?))
ORDER BY created_at DESC, id DESC LIMIT ?`;

export const LIST_ATTEMPTS = `
SELECT id, run_id, execution_id, attempt, started_at, duration_ms, status_code, error_code, error, request,
  response_headers, response_body, response_truncated, response_encoding, endpoint
FROM attempts WHERE execution_id = ? ORDER BY attempt, started_at`;

/** The runs a claim may take: due ones and ones whose lease lapsed, each kind in its own index order. */
const claimable = (lock: string) => `
due AS (
  SELECT id FROM runs WHERE status = 'pending' AND due_at <= ? ORDER BY due_at LIMIT ? ${lock}
), lapsed AS (
  SELECT id FROM runs WHERE status = 'running' AND lease_until < ? ORDER BY lease_until LIMIT ? ${lock}
)`;

const CLAIM = `
UPDATE runs SET status = 'running', attempt = attempt + 1, lease_owner = ?,
  lease_until = CAST(? AS BIGINT) + timeout_ms + CAST(? AS BIGINT), updated_at = ?, started_at = COALESCE(started_at, ?)
WHERE id IN (SELECT id FROM (SELECT id FROM lapsed UNION ALL SELECT id FROM due) claimable LIMIT ?)
RETURNING id, execution_id, kind, name, input, attempt, max_attempts, timeout_ms, message_id, lease_owner`;

/**
 * Due runs, and runs whose lease lapsed, become this owner's; `lock` is the dialect's row-lock
 * clause. Each kind is read in its own index order, so a claim reads no more rows than it takes.
 */
export const claimRuns = (lock: string) => `WITH ${claimable(lock)}${CLAIM}`;

/**
 * claimRuns, marking the claimed tasks' executions running (markExecutionsRunning) and reading
 * what the calls need of them (claimedExecutions), in one statement; its last parameter is the
 * time an execution starts.
 */
export const claimRunsInOne = (lock: string) => `
WITH ${claimable(lock)}, claimed AS (${CLAIM}
), marked AS (
  UPDATE executions SET status = 'running', started_at = COALESCE(started_at, ?)
  WHERE id IN (SELECT execution_id FROM claimed WHERE kind = 'task') AND finished_at IS NULL
)
SELECT c.id, c.execution_id, c.kind, c.name, c.input, c.attempt, c.max_attempts, c.timeout_ms, c.message_id, c.lease_owner,
  e.job_id, e.namespace, e.spec, e.trigger, e.scheduled_time, e.hook_id, e.event_type
FROM claimed c JOIN executions e ON e.id = c.execution_id`;

export const claimedExecutions = (count: number) => `
SELECT id, job_id, namespace, spec, trigger, scheduled_time, hook_id, event_type FROM executions WHERE id IN (${marks(count)})`;

/** Executions whose tasks were claimed are running; one that has ended (and sends notifications) stays as it ended. */
export const markExecutionsRunning = (count: number) => `
UPDATE executions SET status = 'running', started_at = COALESCE(started_at, ?) WHERE id IN (${marks(count)}) AND finished_at IS NULL`;

/**
 * Ends `count` runs, each only if its owner still holds it. Values are cast
 * where a column is not text, since PostgreSQL reads an untyped value in a VALUES list as text.
 */
export const finishRuns = (count: number) => `
WITH v (id, owner, status, due_at, last_error, now, finished_at, output) AS (
  VALUES ${repeat(count, '(?, ?, ?, CAST(? AS BIGINT), ?, CAST(? AS BIGINT), CAST(? AS BIGINT), ?)')}
)
UPDATE runs SET status = v.status, due_at = v.due_at, lease_owner = NULL, lease_until = NULL, last_error = v.last_error,
  updated_at = v.now, finished_at = v.finished_at, output = COALESCE(v.output, runs.output)
FROM v WHERE runs.id = v.id AND runs.lease_owner = v.owner AND runs.status = 'running'
RETURNING runs.id AS id, runs.started_at AS started_at`;

/** `count` executions follow their task's attempt; one that ended gets its finish time (NULL leaves it as it is). */
export const moveExecutions = (count: number) => `
WITH v (id, status, attempts, last_error, request, response, finished_at) AS (
  VALUES ${repeat(count, '(?, ?, CAST(? AS INTEGER), ?, ?, ?, CAST(? AS BIGINT))')}
)
UPDATE executions SET status = v.status, attempts = v.attempts, last_error = v.last_error, request = v.request,
  response = v.response, finished_at = COALESCE(v.finished_at, executions.finished_at)
FROM v WHERE executions.id = v.id`;

/** `count` attempts in one statement. */
export const insertAttempts = (count: number) => `
INSERT INTO attempts (id, run_id, execution_id, attempt, started_at, duration_ms, status_code, error_code, error,
  request, response_headers, response_body, response_truncated, response_encoding, endpoint)
VALUES ${rows(count, 15)}`;

export const releaseRuns = (count: number) => `
UPDATE runs SET status = 'pending', attempt = attempt - 1, due_at = ?, lease_owner = NULL, lease_until = NULL,
  updated_at = ?
WHERE lease_owner = ? AND status = 'running' AND id IN (${marks(count)})
RETURNING execution_id, attempt, kind`;

/** The earliest time a run becomes claimable: a pending run falling due, or a lease lapsing. */
export const NEXT_WAKE = `
SELECT MIN(t) AS at FROM (
  SELECT MIN(due_at) AS t FROM runs WHERE status = 'pending'
  UNION ALL SELECT MIN(lease_until) AS t FROM runs WHERE status = 'running'
) due`;

/** Runs left running by a process that is gone lapse at once, as if their leases had run out. */
export const EXPIRE_ALL_LEASES = `UPDATE runs SET lease_until = 0 WHERE status = 'running'`;

export const SET_EXECUTION_STATUS = `UPDATE executions SET status = ? WHERE id = ? AND finished_at IS NULL`;

export function marks(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}

/** Rows one statement writes or names at most: well under either database's limit on parameters. */
export const ROWS_PER_STATEMENT = 200;

/** `count` rows of `width` placeholders each, for a VALUES list. */
function rows(count: number, width: number): string {
  return repeat(count, `(${marks(width)})`);
}

/** `row` `count` times, for a VALUES list. */
export function repeat(count: number, row: string): string {
  return Array.from({ length: count }, () => row).join(', ');
}
