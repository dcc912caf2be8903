import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import { OUTCOMES, type Outcome } from '../store/attempt-rollup.js';
import type { Store } from '../store/store.js';
import { parseQuery, queryChoice } from './query.js';

/** The windows the overview covers, and the bucket each is counted in. */
export const WINDOWS = { '1h': { ms: 3_600_000, bucketMs: 60_000 }, '24h': { ms: 86_400_000, bucketMs: 900_000 } } as const;

export const overviewQuery = z.object({
  window: queryChoice(['1h', '24h']).default('1h').meta({ description: 'The last hour (counted by minute) or day (by quarter hour).' }),
});

/** `GET /api/v1/overview`: deliveries by outcome over time, success rate, delivery times, backlog, failing jobs and endpoints, next runs. */
export function overviewRoute(deps: { store: Store; clock: Clock }) {
  return async function register(app: FastifyInstance): Promise<void> {
    app.get('/api/v1/overview', async (request) => {
      const { window } = parseQuery(overviewQuery, request.query);
      const { ms, bucketMs } = WINDOWS[window];
      const now = deps.clock.now();
      const first = Math.floor((now - ms) / bucketMs + 1) * bucketMs;
      const [counts, backlog] = await Promise.all([deps.store.overview(first, bucketMs), deps.store.backlog(now)]);
      const buckets = bucketsOf(counts.attempts, first, now, bucketMs);
      const total = buckets.reduce((sum, b) => sum + OUTCOMES.reduce((s, o) => s + b[o], 0), 0);
      const succeeded = buckets.reduce((sum, b) => sum + b.success, 0);
      return {
        window,
        bucket_seconds: bucketMs / 1000,
        buckets,
        attempts: total,
        success_rate: total === 0 ? null : succeeded / total,
        duration_ms: { p50: percentile(counts.durations, 0.5), p99: percentile(counts.durations, 0.99) },
        backlog: { due: backlog.due, oldest_due_age_seconds: backlog.oldest_due_at === null ? 0 : Math.max(0, (now - backlog.oldest_due_at) / 1000) },
        failing_jobs: counts.failingJobs,
        failing_endpoints: counts.failingEndpoints,
        next_runs: counts.nextRuns.map((r) => ({ job_id: r.job_id, at: new Date(r.next_run_at).toISOString() })),
      };
    });
  };
}

type Bucket = { at: string } & Record<Outcome, number>;

/** Every bucket of the window, oldest first, with zeros where nothing happened. */
function bucketsOf(rows: Array<{ at: number; outcome: string; count: number }>, first: number, now: number, bucketMs: number): Bucket[] {
  const buckets = new Map<number, Bucket>();
  for (let at = first; at <= now; at += bucketMs) buckets.set(at, { at: new Date(at).toISOString(), ...Object.fromEntries(OUTCOMES.map((o) => [o, 0])) } as Bucket);
  for (const row of rows) {
    const bucket = buckets.get(row.at);
    if (!bucket) continue;
    const outcome = (OUTCOMES as readonly string[]).includes(row.outcome) ? (row.outcome as Outcome) : 'other';
    bucket[outcome] += row.count;
  }
  return [...buckets.values()];
}

/** The least histogram bound at or under which `q` of the attempts took; null when none. */
function percentile(histogram: Array<{ le: number; count: number }>, q: number): number | null {
  const total = histogram.reduce((sum, h) => sum + h.count, 0);
  if (total === 0) return null;
  let seen = 0;
  for (const h of histogram) {
    seen += h.count;
    if (seen >= q * total) return Number.isFinite(h.le) ? h.le : null;
  }
  return null;
}
