/**
 * The SQL of the console's overview, read from the counts kept as attempts are written (see
 * attempt-rollup.ts): a window of minutes summed by bucket and outcome, into a duration histogram,
 * and by job and endpoint for the failures. None reads the attempts themselves.
 */
import { HISTOGRAM_COLUMNS } from './attempt-rollup.js';

/** `?` 1: bucket size (ms), 2: window start (ms). */
export const ATTEMPTS_BY_BUCKET = `
SELECT CAST(minute / ? AS BIGINT) AS bucket, outcome, SUM(count) AS count
FROM attempt_minutes WHERE minute >= ?
GROUP BY 1, 2`;

export const ATTEMPTS_BY_DURATION = `
SELECT ${HISTOGRAM_COLUMNS.map((c) => `COALESCE(SUM(${c}), 0) AS ${c}`).join(', ')}
FROM attempt_minutes WHERE minute >= ?`;

export const FAILING_JOBS = `
SELECT job_id, SUM(count) AS failures FROM failure_minutes WHERE minute >= ?
GROUP BY job_id ORDER BY failures DESC, job_id LIMIT ?`;

export const FAILING_ENDPOINTS = `
SELECT endpoint, SUM(count) AS failures FROM failure_minutes WHERE minute >= ? AND endpoint <> ''
GROUP BY endpoint ORDER BY failures DESC, endpoint LIMIT ?`;

export const NEXT_RUNS = `
SELECT id AS job_id, next_run_at FROM jobs
WHERE enabled = 1 AND next_run_at IS NOT NULL
ORDER BY next_run_at LIMIT ?`;
