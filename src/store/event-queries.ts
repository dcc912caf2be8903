/** The SQL of events, their deliveries, and the endpoint gate that lets deliveries through. */
import { marks } from './queries.js';

/** A namespace's events job: made on the first event, never listed (see EVENTS_JOB_PREFIX). */
export const ENSURE_EVENTS_JOB = `
INSERT INTO jobs (id, namespace, name, spec, enabled, next_run_at, created_at, updated_at) VALUES (?, ?, 'events', '{}', 0, NULL, ?, ?)
ON CONFLICT (id) DO NOTHING`;

/** Endpoints' gate state, read in name order (so two transactions lock them in one order). */
export const lockEndpoints = (count: number, lock: string) => `
SELECT name, namespace, state, state_reason, state_at, failure_streak, failing_since, probe_at, probes, next_slot_at
FROM endpoints WHERE name IN (${marks(count)}) ORDER BY name ${lock}`;

export const SAVE_HEALTH = `
UPDATE endpoints SET state = ?, state_reason = ?, state_at = ?, failure_streak = ?, failing_since = ?, probe_at = ?, probes = ?
WHERE name = ?`;

export const SET_NEXT_SLOT = `UPDATE endpoints SET next_slot_at = ? WHERE name = ?`;

/** How many of an endpoint's deliveries are due or being made. */
export const IN_FLIGHT = `
SELECT COUNT(*) AS n FROM runs WHERE kind = 'delivery' AND name = ? AND status IN ('pending', 'running')`;

/** An endpoint's held deliveries, oldest event first. */
export const HELD = `
SELECT id, due_at FROM runs WHERE name = ? AND status = 'held' AND kind = 'delivery' ORDER BY created_at, id LIMIT ?`;

/** Held deliveries go out, each at its time: `count` (id, due) pairs. */
export const promote = (count: number) => `
UPDATE runs SET status = 'pending', due_at = CASE ${Array.from({ length: count }, () => 'WHEN id = ? THEN CAST(? AS BIGINT)').join(' ')} END
WHERE id IN (${marks(count)}) AND status = 'held'`;

/** Every held delivery of an endpoint goes out, none earlier than it was due. */
export const PROMOTE_ALL = `
UPDATE runs SET status = 'pending', due_at = CASE WHEN due_at > ? THEN due_at ELSE ? END
WHERE name = ? AND status = 'held' AND kind = 'delivery'`;

/** An endpoint's waiting deliveries are held (it was paused or disabled, or its circuit opened). */
export const HOLD_PENDING = `UPDATE runs SET status = 'held' WHERE kind = 'delivery' AND name = ? AND status = 'pending'`;
export const HOLD_RUN = `UPDATE runs SET status = 'held' WHERE id = ? AND status = 'pending'`;
export const MOVE_RUN = `UPDATE runs SET due_at = ? WHERE id = ?`;

/** How these events' deliveries stand: those not yet ended, and those that failed. */
export const deliveryTallies = (count: number) => `
SELECT execution_id,
  SUM(CASE WHEN status IN ('succeeded', 'failed') THEN 0 ELSE 1 END) AS open,
  SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) AS failed,
  SUM(attempt) AS attempts
FROM runs WHERE execution_id IN (${marks(count)}) AND kind = 'delivery' GROUP BY execution_id`;

export const END_EVENT = `
UPDATE executions SET status = ?, attempts = ?, finished_at = ? WHERE id = ? AND finished_at IS NULL`;

export const endEventsNow = (count: number) => `
UPDATE executions SET status = 'succeeded', finished_at = ? WHERE id IN (${marks(count)})`;

const EVENT_COLUMNS = `id, namespace, event_type AS type, trigger, status, attempts, created_at, finished_at, filter_errors`;

export const SET_FILTER_ERRORS = `UPDATE executions SET filter_errors = ? WHERE id = ?`;

/** An event by the id receivers see, in its namespace; the newest if the id came back after its window. */
export const EVENT_BY_EVENT_ID = `
SELECT ${EVENT_COLUMNS} FROM executions WHERE job_id = ? AND idempotency_key = ? AND event_type IS NOT NULL`;
export const EVENT_BY_ID = `SELECT ${EVENT_COLUMNS} FROM executions WHERE id = ? AND event_type IS NOT NULL`;

/** How an event's status filter reads: ended as it says, or not ended yet. */
const STATUS_CLAUSE: Record<'pending' | 'succeeded' | 'failed', string> = {
  pending: `AND status NOT IN ('succeeded', 'failed')`,
  succeeded: `AND status = 'succeeded'`,
  failed: `AND status = 'failed'`,
};

/** A namespace's events, newest first, from a (created_at, id) cursor; `type`, a status and a time range may narrow them. */
export const listEvents = (byType: boolean, status?: keyof typeof STATUS_CLAUSE) => `
SELECT ${EVENT_COLUMNS} FROM executions
WHERE job_id = ? AND event_type IS NOT NULL ${byType ? 'AND event_type = ?' : ''} ${status ? STATUS_CLAUSE[status] : ''}
  AND created_at >= ? AND (created_at < ? OR (created_at = ? AND id < ?))
ORDER BY created_at DESC, id DESC LIMIT ?`;

export const DELIVERIES_OF = `
SELECT id, execution_id, name AS endpoint, status, attempt, max_attempts, due_at, last_error, created_at, finished_at
FROM runs WHERE execution_id = ? AND kind = 'delivery' ORDER BY name`;

/** Which of these patterns endpoints of these namespaces subscribe with. */
export const subscribedPatterns = (namespaces: number, patterns: number) => `
SELECT DISTINCT namespace, pattern FROM subscriptions WHERE namespace IN (${marks(namespaces)}) AND pattern IN (${marks(patterns)})`;

/** An event Hookline raised, waiting to be routed to its subscribers (see internal-events.ts). */
export const INSERT_RAISED = `
INSERT INTO executions (id, job_id, namespace, status, trigger_type, trigger, spec, scheduled_time, idempotency_key, created_at, event_type)
VALUES (?, ?, ?, 'routing', 'event', ?, '{}', ?, ?, ?, ?)`;

export const TO_ROUTE = `
SELECT id, namespace, event_type AS type, trigger, status, attempts, created_at, finished_at
FROM executions WHERE status = 'routing' ORDER BY created_at LIMIT ?`;

/** A raised event is routed once: the node that moves it on writes its deliveries. */
export const START_ROUTED = `UPDATE executions SET status = 'pending' WHERE id = ? AND status = 'routing'`;

const EVENT_TYPE_COLUMNS = 'name, description, schema, created_at, updated_at';
export const EVENT_TYPE_EXISTS = `SELECT 1 AS found FROM event_types WHERE name = ?`;
export const UPSERT_EVENT_TYPE = `
INSERT INTO event_types (${EVENT_TYPE_COLUMNS}) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (name) DO UPDATE SET description = excluded.description, schema = excluded.schema, updated_at = excluded.updated_at`;
export const GET_EVENT_TYPE = `SELECT ${EVENT_TYPE_COLUMNS} FROM event_types WHERE name = ?`;
export const LIST_EVENT_TYPES = `SELECT ${EVENT_TYPE_COLUMNS} FROM event_types WHERE name > ? ORDER BY name LIMIT ?`;
export const DELETE_EVENT_TYPE = `DELETE FROM event_types WHERE name = ?`;
