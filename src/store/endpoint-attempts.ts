/**
 * The attempts made through one endpoint, newest first, read through the index on attempts'
 * endpoint and start time; and how they went over a recent window, from the counts per minute.
 */
import type { Driver } from './driver.js';
import type { AttemptRow, RunKind } from './rows.js';

/** One attempt through an endpoint, with the job and run it belonged to. */
export type EndpointAttemptRow = Pick<AttemptRow, 'id' | 'execution_id' | 'attempt' | 'started_at' | 'duration_ms' | 'status_code' | 'error_code' | 'error'> & {
  job_id: string;
  kind: RunKind;
  /** The task's name, the notification run's (`notify-<index>`), or a delivery's endpoint. */
  name: string;
  /** What it was signed as (webhook-id): for a delivery, its event's id. */
  message_id: string;
};

export interface EndpointAttemptCursor {
  started_at: number;
  id: string;
}

/** How an endpoint's attempts since a time went, in all and by bucket of time. */
export interface EndpointAttemptStats {
  attempts: number;
  succeeded: number;
  last_attempt_at: number | null;
  last_success_at: number | null;
  /** Each bucket with attempts, by its start (epoch ms), oldest first. */
  buckets: Array<{ at: number; attempts: number; succeeded: number }>;
}

/** `?` 1: endpoint, 2–4: cursor time (thrice), 5: cursor id, 6: limit. */
export const LIST_ENDPOINT_ATTEMPTS = `
SELECT a.id, a.execution_id, e.job_id, r.kind, r.name, r.message_id, a.attempt, a.started_at, a.duration_ms, a.status_code,
  a.error_code, a.error
FROM attempts a JOIN runs r ON r.id = a.run_id JOIN executions e ON e.id = a.execution_id
WHERE a.endpoint = ?
  AND (CAST(? AS BIGINT) IS NULL OR a.started_at < ? OR (a.started_at = ? AND a.id < ?))
ORDER BY a.started_at DESC, a.id DESC LIMIT ?`;

/** From the counts kept per endpoint and minute (attempt-rollup.ts); `?` 2 is the window's first minute. */
export const ENDPOINT_ATTEMPT_STATS = `
SELECT COALESCE(SUM(count), 0) AS attempts, COALESCE(SUM(succeeded), 0) AS succeeded,
  MAX(last_at) AS last_attempt_at, MAX(last_success_at) AS last_success_at
FROM endpoint_minutes WHERE endpoint = ? AND minute >= ?`;

/** The same counts by bucket: `?` 1–2 the bucket's length, 3 the endpoint, 4 the first minute. */
export const ENDPOINT_ATTEMPT_BUCKETS = `
SELECT CAST(minute / ? AS BIGINT) * ? AS at, SUM(count) AS attempts, SUM(succeeded) AS succeeded
FROM endpoint_minutes WHERE endpoint = ? AND minute >= ? GROUP BY 1 ORDER BY 1`;

export async function listEndpointAttempts(db: Driver, endpoint: string, limit: number, before?: EndpointAttemptCursor): Promise<EndpointAttemptRow[]> {
  const at = before?.started_at ?? null;
  const rows = await db.query<EndpointAttemptRow>(LIST_ENDPOINT_ATTEMPTS, [endpoint, at, at, at, before?.id ?? null, limit]);
  return rows.map((r) => ({ ...r, started_at: Number(r.started_at) }));
}

/** How the attempts through an endpoint went from the minute holding `since` on. */
export async function endpointAttemptStats(db: Driver, endpoint: string, since: number, bucketMs = 60_000): Promise<EndpointAttemptStats> {
  const minute = Math.floor(since / 60_000) * 60_000;
  type Row = Record<Exclude<keyof EndpointAttemptStats, 'buckets'>, number | string | null>;
  const [row] = await db.query<Row>(ENDPOINT_ATTEMPT_STATS, [endpoint, minute]);
  type Bucket = { at: number | string; attempts: number | string; succeeded: number | string };
  const buckets = await db.query<Bucket>(ENDPOINT_ATTEMPT_BUCKETS, [bucketMs, bucketMs, endpoint, minute]);
  const num = (v: number | string | null) => (v === null ? null : Number(v));
  return {
    attempts: Number(row.attempts),
    succeeded: Number(row.succeeded),
    last_attempt_at: num(row.last_attempt_at),
    last_success_at: num(row.last_success_at),
    buckets: buckets.map((b) => ({ at: Number(b.at), attempts: Number(b.attempts), succeeded: Number(b.succeeded) })),
  };
}
