import type { Driver } from './driver.js';
import { DURATION_BOUNDS, HISTOGRAM_COLUMNS } from './attempt-rollup.js';
import { ATTEMPTS_BY_BUCKET, ATTEMPTS_BY_DURATION, FAILING_ENDPOINTS, FAILING_JOBS, NEXT_RUNS } from './overview-queries.js';

/** The figures of the console's overview, as the store counts them. */
export interface OverviewCounts {
  /** Attempts per bucket start (ms) and outcome. */
  attempts: Array<{ at: number; outcome: string; count: number }>;
  /** How many attempts took at most each bound (ms), in DURATION_BOUNDS order, then those longer. */
  durations: Array<{ le: number; count: number }>;
  failingJobs: Array<{ job_id: string; failures: number }>;
  failingEndpoints: Array<{ endpoint: string; failures: number }>;
  nextRuns: Array<{ job_id: string; next_run_at: number }>;
}

const TOP = 5;

/** Attempts since `since` (ms) counted per `bucketMs`, by outcome and by duration; the jobs and endpoints failing most; the next runs. */
export async function readOverview(db: Driver, since: number, bucketMs: number): Promise<OverviewCounts> {
  const [byBucket, byDuration, failing, failingEndpoints, next] = await Promise.all([
    db.query<{ bucket: number; outcome: string; count: number }>(ATTEMPTS_BY_BUCKET, [bucketMs, since]),
    db.query<Record<string, number | string>>(ATTEMPTS_BY_DURATION, [since]),
    db.query<{ job_id: string; failures: number }>(FAILING_JOBS, [since, TOP]),
    db.query<{ endpoint: string; failures: number }>(FAILING_ENDPOINTS, [since, TOP]),
    db.query<{ job_id: string; next_run_at: number }>(NEXT_RUNS, [TOP]),
  ]);
  const bound = (i: number) => DURATION_BOUNDS[i] ?? Number.POSITIVE_INFINITY;
  return {
    attempts: byBucket.map((r) => ({ at: Number(r.bucket) * bucketMs, outcome: r.outcome, count: Number(r.count) })),
    durations: HISTOGRAM_COLUMNS.map((column, i) => ({ le: bound(i), count: Number(byDuration[0]?.[column] ?? 0) })),
    failingJobs: failing.map((r) => ({ job_id: r.job_id, failures: Number(r.failures) })),
    failingEndpoints: failingEndpoints.map((r) => ({ endpoint: r.endpoint, failures: Number(r.failures) })),
    nextRuns: next.map((r) => ({ job_id: r.job_id, next_run_at: Number(r.next_run_at) })),
  };
}
