/**
 * The overview's counts, written with the attempts they count: one row per minute of an attempt's
 * start, writing node and outcome, with a duration histogram; failures per minute, job and
 * endpoint; and per endpoint and minute its attempts, successes and latest times. A batch of completions adds to each row it touches once, and each node writes rows of
 * its own, so nodes never wait on each other's counts. The overview sums the rows of its window.
 */
import type { Driver } from './driver.js';

/** Upper bounds (ms) of the duration histogram; past the last, `le_inf`. */
export const DURATION_BOUNDS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000, 300_000, 3_600_000];
export const OUTCOMES = ['success', 'http_4xx', 'http_5xx', 'timeout', 'connection', 'other'] as const;
export type Outcome = (typeof OUTCOMES)[number];

const MINUTE_MS = 60_000;
export const HISTOGRAM_COLUMNS = [...DURATION_BOUNDS.map((b) => `le_${b}`), 'le_inf'];

const ADD_MINUTE = `
INSERT INTO attempt_minutes (minute, owner, outcome, count, ${HISTOGRAM_COLUMNS.join(', ')})
VALUES (?, ?, ?, ?, ${HISTOGRAM_COLUMNS.map(() => '?').join(', ')})
ON CONFLICT (minute, owner, outcome) DO UPDATE SET count = attempt_minutes.count + excluded.count,
  ${HISTOGRAM_COLUMNS.map((c) => `${c} = attempt_minutes.${c} + excluded.${c}`).join(', ')}`;

const ADD_FAILURES = `
INSERT INTO failure_minutes (minute, owner, job_id, endpoint, count) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (minute, owner, job_id, endpoint) DO UPDATE SET count = failure_minutes.count + excluded.count`;

const ADD_ENDPOINT = `
INSERT INTO endpoint_minutes (endpoint, minute, owner, count, succeeded, last_at, last_success_at) VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (endpoint, minute, owner) DO UPDATE SET count = endpoint_minutes.count + excluded.count,
  succeeded = endpoint_minutes.succeeded + excluded.succeeded,
  last_at = CASE WHEN excluded.last_at > endpoint_minutes.last_at THEN excluded.last_at ELSE endpoint_minutes.last_at END,
  last_success_at = CASE WHEN endpoint_minutes.last_success_at IS NULL OR excluded.last_success_at > endpoint_minutes.last_success_at
    THEN COALESCE(excluded.last_success_at, endpoint_minutes.last_success_at) ELSE endpoint_minutes.last_success_at END`;

/** An attempt as the rollup counts it. */
export interface CountedAttempt {
  owner: string;
  job_id: string;
  started_at: number;
  duration_ms: number;
  status_code: number | null;
  error_code: string | null;
  error: string | null;
  endpoint: string | null;
}

/** What an attempt came to, as the overview shows it: success, or why not. */
export function outcomeOf(a: Pick<CountedAttempt, 'error' | 'error_code' | 'status_code'>): Outcome {
  if (a.error === null) return 'success';
  if (a.error_code === 'TIMEOUT') return 'timeout';
  if (a.error_code === 'CONNECTION_ERROR') return 'connection';
  if (a.error_code !== null) return 'other';
  if ((a.status_code ?? 0) >= 500) return 'http_5xx';
  if ((a.status_code ?? 0) >= 400) return 'http_4xx';
  return 'other';
}

const bucketOf = (ms: number) => {
  const i = DURATION_BOUNDS.findIndex((b) => ms <= b);
  return i === -1 ? DURATION_BOUNDS.length : i;
};

type Row<T> = T & { key: unknown[] };

/** Updates the row of `key` in `rows`, made by `init` the first time: a batch adds to each row once. */
function tally<T>(rows: Map<string, Row<T>>, key: unknown[], init: () => T, update: (row: Row<T>) => void): void {
  const id = JSON.stringify(key);
  let row = rows.get(id);
  if (!row) rows.set(id, (row = { ...init(), key }));
  update(row);
}

const sorted = <R>(rows: Map<string, R>): R[] => [...rows.keys()].sort().map((id) => rows.get(id)!);

/** Adds a batch's attempts to the counts, one statement per row touched. */
export async function countAttempts(tx: Driver, attempts: CountedAttempt[]): Promise<void> {
  const minutes = new Map<string, Row<{ count: number; histogram: number[] }>>();
  const failures = new Map<string, Row<{ count: number }>>();
  const endpoints = new Map<string, Row<{ count: number; succeeded: number; last: number; lastSuccess: number | null }>>();
  for (const a of attempts) {
    const minute = Math.floor(a.started_at / MINUTE_MS) * MINUTE_MS;
    const outcome = outcomeOf(a);
    const succeeded = outcome === 'success';
    tally(minutes, [minute, a.owner, outcome], () => ({ count: 0, histogram: HISTOGRAM_COLUMNS.map(() => 0) }), (row) => {
      row.count++;
      row.histogram[bucketOf(a.duration_ms)]++;
    });
    if (!succeeded) tally(failures, [minute, a.owner, a.job_id, a.endpoint ?? ''], () => ({ count: 0 }), (row) => void row.count++);
    if (a.endpoint === null) continue;
    tally(endpoints, [a.endpoint, minute, a.owner], () => ({ count: 0, succeeded: 0, last: a.started_at, lastSuccess: null }), (row) => {
      row.count++;
      row.last = Math.max(row.last, a.started_at);
      if (!succeeded) return;
      row.succeeded++;
      row.lastSuccess = Math.max(row.lastSuccess ?? 0, a.started_at);
    });
  }
  // Rows are written in key order, so two commits touching the same rows lock them in one order.
  for (const row of sorted(minutes)) await tx.execute(ADD_MINUTE, [...row.key, row.count, ...row.histogram]);
  for (const row of sorted(failures)) await tx.execute(ADD_FAILURES, [...row.key, row.count]);
  for (const row of sorted(endpoints)) await tx.execute(ADD_ENDPOINT, [...row.key, row.count, row.succeeded, row.last, row.lastSuccess]);
}
