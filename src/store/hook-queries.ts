/** The SQL of hooks, their invocations, rate counters and retention, as plain SQL with `?` placeholders. */
import { marks, repeat } from './queries.js';

export const HOOK_COLUMNS =
  'id, job_id, trigger_id, namespace, enabled, disabled_reason, stop_after, created_at, updated_at, last_triggered_at';

/**
 * A job's hook, written with the job. An existing hook keeps its id, creation time and last call;
 * its state changes only when the job says `enabled` (the 5th and 9th parameters), which also
 * clears a reason Hookline gave for disabling it.
 */
export const UPSERT_HOOK = `
INSERT INTO hooks (id, job_id, trigger_id, namespace, enabled, stop_after, created_at, updated_at, address)
VALUES (?, ?, ?, ?, COALESCE(CAST(? AS INTEGER), 1), ?, ?, ?, ?)
ON CONFLICT (job_id, trigger_id) DO UPDATE SET namespace = excluded.namespace, stop_after = excluded.stop_after,
  address = excluded.address,
  enabled = COALESCE(CAST(? AS INTEGER), hooks.enabled),
  disabled_reason = CASE WHEN CAST(? AS INTEGER) IS NULL THEN hooks.disabled_reason ELSE NULL END,
  updated_at = excluded.updated_at`;

/** The job of the hook at a URL, by the URL's digest. */
export const HOOK_AT_ADDRESS = `SELECT id, job_id FROM hooks WHERE address = ?`;

/** Hooks stored before they had an address, with what their address is worked out from. */
export const HOOKS_WITHOUT_ADDRESS = `
SELECT h.id, h.job_id, h.trigger_id, j.namespace, j.spec FROM hooks h JOIN jobs j ON j.id = h.job_id
WHERE h.address IS NULL ORDER BY h.id LIMIT ?`;

export const SET_HOOK_ADDRESS = `UPDATE hooks SET address = ? WHERE id = ?`;

export const HOOK_TRIGGER_IDS = `SELECT trigger_id FROM hooks WHERE job_id = ?`;
export const DELETE_HOOK = `DELETE FROM hooks WHERE job_id = ? AND trigger_id = ?`;

export const GET_HOOK = `SELECT ${HOOK_COLUMNS} FROM hooks WHERE id = ?`;
export const HOOKS_OF_JOB = `SELECT ${HOOK_COLUMNS} FROM hooks WHERE job_id = ? ORDER BY trigger_id`;
export const hooksOfJobs = (count: number) => `SELECT ${HOOK_COLUMNS} FROM hooks WHERE job_id IN (${marks(count)})`;

/** Hooks by id, each filter applying when given (namespace, job, enabled: each parameter twice). */
export const LIST_HOOKS = `
SELECT ${HOOK_COLUMNS} FROM hooks
WHERE id > ?
  AND (CAST(? AS TEXT) IS NULL OR namespace = ?)
  AND (CAST(? AS TEXT) IS NULL OR job_id = ?)
  AND (CAST(? AS INTEGER) IS NULL OR enabled = ?)
ORDER BY id LIMIT ?`;

export const SET_HOOK_ENABLED = `UPDATE hooks SET enabled = ?, disabled_reason = NULL, updated_at = ? WHERE id = ?`;

/** stopAfter: the hook disables itself when an execution it started ends in a status it lists. */
export const STOP_HOOK = `
UPDATE hooks SET enabled = 0, disabled_reason = ?, updated_at = ?
WHERE id = ? AND enabled = 1 AND stop_after LIKE ?`;

/**
 * Reads `count` rate counters, taking their row locks (each made at zero if new; rows are taken in
 * the order listed). A batch reads its counters in one order first, so two nodes' batches cannot
 * each hold one the other waits for; it decides its calls against them and writes each counter back once.
 */
export const lockRateCounts = (count: number) => `
INSERT INTO rate_counts (scope, window_start, count) VALUES ${repeat(count, '(?, ?, 0)')}
ON CONFLICT (scope, window_start) DO UPDATE SET count = rate_counts.count
RETURNING scope AS key, window_start, count`;

export const SET_RATE_COUNT = `UPDATE rate_counts SET count = ? WHERE scope = ? AND window_start = ?`;

/**
 * PostgreSQL: `hooks` hooks with their jobs' specs, locked in id order, then `counters` counters
 * made if new and locked in the order listed — only once the hooks are, since the count of hooks
 * gates them (an InitPlan, run before the first counter). One round trip for both.
 */
export const lockHooksAndCounts = (hooks: number, counters: number) => `
WITH h AS (
  SELECT h.id, h.enabled, j.spec FROM hooks h JOIN jobs j ON j.id = h.job_id WHERE h.id IN (${marks(hooks)})
  ORDER BY h.id FOR UPDATE OF h
), c AS (
  INSERT INTO rate_counts (scope, window_start, count)
  SELECT v.scope, v.window_start, 0 FROM (VALUES ${repeat(counters, '(CAST(? AS TEXT), CAST(? AS BIGINT))')}) AS v (scope, window_start)
  WHERE (SELECT COUNT(*) FROM h) > 0
  ON CONFLICT (scope, window_start) DO UPDATE SET count = rate_counts.count
  RETURNING scope, window_start, count
)
SELECT 'hook' AS kind, id AS key, enabled, spec, NULL AS window_start, NULL AS count FROM h
UNION ALL
SELECT 'counter', scope, NULL, NULL, window_start, count FROM c`;

/** Hooks' states and their jobs' specs, to see whether calls were judged on them as they stand; `lock`: the hooks locked in id order. */
export const hooksAndSpecs = (count: number, lock: boolean) => `
SELECT h.id AS key, h.enabled, j.spec FROM hooks h JOIN jobs j ON j.id = h.job_id WHERE h.id IN (${marks(count)})
ORDER BY h.id${lock ? ' FOR UPDATE OF h' : ''}`;

/** `count` invocations in one statement. */
export const insertInvocations = (count: number) => `
INSERT INTO invocations (id, hook_id, received_at, source_ip, method, query, headers, body, body_size, body_truncated,
  result, reason, status_code, execution_id, test)
VALUES ${repeat(count, `(${marks(15)})`)}`;

export const SET_INVOCATION_STATUS = `UPDATE invocations SET status_code = ? WHERE id = ?`;

export const TOUCH_HOOK = `
UPDATE hooks SET last_triggered_at = ? WHERE id = ? AND (last_triggered_at IS NULL OR last_triggered_at < ?)`;

const INVOCATION_COLUMNS = `i.id, i.hook_id, i.received_at, i.source_ip, i.method, i.query, i.headers, i.body, i.body_size,
  i.body_truncated, i.result, i.reason, i.status_code, i.execution_id, i.test, h.job_id, e.status AS execution_status,
  e.trigger AS execution_trigger`;

const INVOCATIONS_FROM = `
FROM invocations i JOIN hooks h ON h.id = i.hook_id LEFT JOIN executions e ON e.id = i.execution_id`;

/** A hook's invocations, newest first, after the cursor (each cursor part given twice), of one result if given. */
export const LIST_INVOCATIONS = `
SELECT ${INVOCATION_COLUMNS} ${INVOCATIONS_FROM}
WHERE i.hook_id = ?
  AND (CAST(? AS BIGINT) IS NULL OR i.received_at < ? OR (i.received_at = ? AND i.id < ?))
  AND (CAST(? AS TEXT) IS NULL OR i.result = ?)
ORDER BY i.received_at DESC, i.id DESC LIMIT ?`;
