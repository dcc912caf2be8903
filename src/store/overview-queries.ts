/**
 * The SQL of the console's overview: attempts of a recent window counted by minute (or larger
 * bucket) and outcome, by how long they took, and by job for the failures; read through the index
 * on attempts' start time.
 */

/** What an attempt came to, as the overview counts it: success, or why not. */
const OUTCOME = `CASE WHEN a.error IS NULL THEN 'success'
  WHEN a.error_code IS NOT NULL THEN a.error_code
  WHEN a.status_code >= 500 THEN 'http_5xx'
  WHEN a.status_code >= 400 THEN 'http_4xx'
  ELSE 'other' END`;

/** `?` 1: bucket size (ms), 2: window start (ms). */
export const ATTEMPTS_BY_BUCKET = `
SELECT CAST(a.started_at / ? AS BIGINT) AS bucket, ${OUTCOME} AS outcome, COUNT(*) AS count
FROM attempts a WHERE a.started_at >= ?
GROUP BY 1, 2`;

/** Upper bounds (ms) of the duration histogram the percentiles are read from. */
export const DURATION_BOUNDS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000, 300_000, 3_600_000];

export const ATTEMPTS_BY_DURATION = `
SELECT CASE ${DURATION_BOUNDS.map((b, i) => `WHEN a.duration_ms <= ${b} THEN ${i}`).join(' ')} ELSE ${DURATION_BOUNDS.length} END AS le, COUNT(*) AS count
FROM attempts a WHERE a.started_at >= ?
GROUP BY 1`;

export const FAILING_JOBS = `
SELECT e.job_id AS job_id, COUNT(*) AS failures
FROM attempts a JOIN executions e ON e.id = a.execution_id
WHERE a.started_at >= ? AND a.error IS NOT NULL
GROUP BY e.job_id ORDER BY failures DESC, e.job_id LIMIT ?`;

export const FAILING_ENDPOINTS = `
SELECT a.endpoint AS endpoint, COUNT(*) AS failures
FROM attempts a
WHERE a.started_at >= ? AND a.error IS NOT NULL AND a.endpoint IS NOT NULL
GROUP BY a.endpoint ORDER BY failures DESC, a.endpoint LIMIT ?`;

export const NEXT_RUNS = `
SELECT id AS job_id, next_run_at FROM jobs
WHERE enabled = 1 AND next_run_at IS NOT NULL
ORDER BY next_run_at LIMIT ?`;
