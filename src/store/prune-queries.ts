/** The SQL of retention pruning. */

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
