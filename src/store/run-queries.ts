/** The SQL of a job's tasks as a graph, its notifications, and retries of finished executions. */
import { marks } from './queries.js';

/*
 * The three statements below reach runs through their execution's index, and name a task by its
 * execution's id and its name together (`execution_id/name`, unambiguous since an execution's id is
 * a UUID). They join no list of values: PostgreSQL, before it has statistics of a new table, would
 * join such a list by comparing every row it reads with every value.
 */

/**
 * Succeeded tasks' dependents (`tasks`, each `execution_id/name`) each wait for one task fewer;
 * one that waited for that task alone is due now.
 */
export const unblockMany = (executions: number, tasks: number) => `
UPDATE runs SET blockers = blockers - 1, updated_at = ?,
  status = CASE WHEN blockers = 1 THEN 'pending' ELSE status END,
  due_at = CASE WHEN blockers = 1 THEN ? ELSE due_at END
WHERE execution_id IN (${marks(executions)}) AND kind = 'task' AND status = 'blocked'
  AND execution_id || '/' || name IN (${marks(tasks)})`;

/** Tasks downstream of tasks that failed for good (`tasks`, each `execution_id/name`) are skipped. */
export const skipMany = (executions: number, tasks: number) => `
UPDATE runs SET status = 'skipped', finished_at = ?, updated_at = ?
WHERE execution_id IN (${marks(executions)}) AND kind = 'task' AND status = 'blocked'
  AND execution_id || '/' || name IN (${marks(tasks)})`;

const TALLY_COLUMNS = `
  SUM(CASE WHEN status IN ('succeeded', 'failed', 'skipped') THEN 0 ELSE 1 END) AS open,
  SUM(CASE WHEN status IN ('failed', 'skipped') THEN 1 ELSE 0 END) AS failed,
  SUM(attempt) AS attempts`;

/** How these executions' tasks stand, a row each. */
export const taskTallies = (count: number) => `
SELECT execution_id, ${TALLY_COLUMNS}
FROM runs WHERE execution_id IN (${marks(count)}) AND kind = 'task' GROUP BY execution_id`;

/** How an execution's tasks stand: those not yet ended, and those that failed or were skipped. */
export const TASK_TALLY = `
SELECT ${TALLY_COLUMNS}
FROM runs WHERE execution_id = ? AND kind = 'task'`;

export const EXECUTION_STARTED = `SELECT started_at, created_at FROM executions WHERE id = ?`;

export const LAST_TASK_ERROR = `
SELECT last_error FROM runs WHERE execution_id = ? AND kind = 'task' AND status = 'failed'
ORDER BY finished_at DESC LIMIT 1`;

/** The backlog: runs due and not taken, and runs whose lease lapsed; each count read from its own partial index. */
export const DUE_BACKLOG = `
SELECT (SELECT COUNT(*) FROM runs WHERE status = 'pending' AND due_at <= ?) AS pending,
       (SELECT MIN(due_at) FROM runs WHERE status = 'pending' AND due_at <= ?) AS pending_since,
       (SELECT COUNT(*) FROM runs WHERE status = 'running' AND lease_until < ?) AS lapsed,
       (SELECT MIN(lease_until) FROM runs WHERE status = 'running' AND lease_until < ?) AS lapsed_since`;

export const LIST_RUNS = `
SELECT id, kind, name, status, attempt, max_attempts, blockers, due_at, last_error, input, started_at, finished_at
FROM runs WHERE execution_id = ? ORDER BY created_at, id`;

export const taskOutputs = (count: number) => `
SELECT execution_id, name, output FROM runs
WHERE execution_id IN (${marks(count)}) AND kind = 'task' AND output IS NOT NULL`;

/** A held run takes the settings worked out when it was claimed. */
export const ADJUST_RUN = `
UPDATE runs SET lease_until = ?, timeout_ms = ?, max_attempts = ? WHERE id = ? AND lease_owner = ? AND status = 'running'`;

export const EXECUTION_FOR_RETRY = `SELECT finished_at FROM executions WHERE job_id = ? AND id = ?`;

export const TASK_RUNS = `SELECT id, name, status, attempt FROM runs WHERE execution_id = ? AND kind = 'task'`;

/** A failed or skipped task of a finished execution, ready to run again (blocked while it waits). */
export const RETRY_RUN = `
UPDATE runs SET status = ?, blockers = ?, max_attempts = ?, due_at = ?, last_error = NULL, finished_at = NULL,
  output = NULL, updated_at = ?
WHERE id = ?`;

export const REOPEN_EXECUTION = `UPDATE executions SET status = 'pending', finished_at = NULL, retried_at = ? WHERE id = ?`;
