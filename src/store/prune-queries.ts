/** The SQL of retention pruning. */
import type { PrunedTable } from './hook-rows.js';

/** PostgreSQL: whether autovacuum looks after the executions table (on for the server, not off for the table). */
export const AUTOVACUUM_ON = `
SELECT current_setting('autovacuum') = 'on'
  AND COALESCE((SELECT option_value FROM pg_options_to_table(c.reloptions) WHERE option_name = 'autovacuum_enabled'), 'true') <> 'false' AS on
FROM pg_class c WHERE c.oid = 'executions'::regclass`;

/**
 * PostgreSQL: a table's dead rows made reusable; one being vacuumed already (autovacuum, another node) is
 * skipped. Empty pages at the table's end are kept for reuse: giving them back would lock the table.
 */
export const vacuum = (table: PrunedTable) => `VACUUM (SKIP_LOCKED, TRUNCATE false) ${table}`;

/** Retention: each deletes at most a batch, oldest first. */
export const PRUNE_EXECUTIONS = `
DELETE FROM executions WHERE id IN (
  SELECT id FROM executions WHERE finished_at IS NOT NULL AND finished_at < ? ORDER BY finished_at LIMIT ?)`;
export const PRUNE_INVOCATIONS = `
DELETE FROM invocations WHERE id IN (SELECT id FROM invocations WHERE received_at < ? ORDER BY received_at LIMIT ?)`;
export const PRUNE_TICKS = `
DELETE FROM ticks WHERE (job_id, scheduled_for) IN (
  SELECT job_id, scheduled_for FROM ticks WHERE scheduled_for < ? ORDER BY scheduled_for LIMIT ?)`;
export const PRUNE_RATE_COUNTS = `
DELETE FROM rate_counts WHERE (scope, window_start) IN (
  SELECT scope, window_start FROM rate_counts WHERE window_start < ? ORDER BY window_start LIMIT ?)`;
export const PRUNE_ATTEMPT_MINUTES = `
DELETE FROM attempt_minutes WHERE (minute, owner, outcome) IN (
  SELECT minute, owner, outcome FROM attempt_minutes WHERE minute < ? ORDER BY minute LIMIT ?)`;
export const PRUNE_FAILURE_MINUTES = `
DELETE FROM failure_minutes WHERE (minute, owner, job_id, endpoint) IN (
  SELECT minute, owner, job_id, endpoint FROM failure_minutes WHERE minute < ? ORDER BY minute LIMIT ?)`;
export const PRUNE_ENDPOINT_MINUTES = `
DELETE FROM endpoint_minutes WHERE (endpoint, minute, owner) IN (
  SELECT endpoint, minute, owner FROM endpoint_minutes WHERE minute < ? ORDER BY minute LIMIT ?)`;

/**
 * Every prune of a call in one statement, where writes may sit in WITH clauses (PostgreSQL): one
 * round trip instead of seven. Its locks are held for the statement, as each statement's were.
 * Parameters: each of the above's two, in the order above.
 */
export const PRUNE_ALL = `
WITH pruned_invocations AS (${PRUNE_INVOCATIONS} RETURNING 1),
  pruned_executions AS (${PRUNE_EXECUTIONS} RETURNING 1),
  pruned_ticks AS (${PRUNE_TICKS} RETURNING 1),
  pruned_rate_counts AS (${PRUNE_RATE_COUNTS} RETURNING 1),
  pruned_attempt_minutes AS (${PRUNE_ATTEMPT_MINUTES} RETURNING 1),
  pruned_failure_minutes AS (${PRUNE_FAILURE_MINUTES} RETURNING 1),
  pruned_endpoint_minutes AS (${PRUNE_ENDPOINT_MINUTES} RETURNING 1)
SELECT (SELECT COUNT(*) FROM pruned_invocations) AS invocations, (SELECT COUNT(*) FROM pruned_executions) AS executions,
  (SELECT COUNT(*) FROM pruned_ticks) AS ticks, (SELECT COUNT(*) FROM pruned_rate_counts) AS rate_counts,
  (SELECT COUNT(*) FROM pruned_attempt_minutes) + (SELECT COUNT(*) FROM pruned_failure_minutes)
    + (SELECT COUNT(*) FROM pruned_endpoint_minutes) AS rollups`;
