import type { AttemptRow, ExecutionRow } from '../store/store.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const json = (text: string | null) => (text === null ? null : JSON.parse(text));

/** An execution in the Chronos shape, `{id, status, attempts, last_error, request, response}`, and more. */
export function executionView(row: ExecutionRow, attempts?: AttemptRow[]) {
  const trigger = JSON.parse(row.trigger) as { type: string; hook?: string; test?: boolean; body?: unknown; headers?: unknown; parameters?: unknown };
  return {
    id: row.id,
    job_id: row.job_id,
    namespace: row.namespace,
    status: row.status,
    attempts: row.attempts,
    last_error: row.last_error,
    request: json(row.request),
    response: json(row.response),
    trigger: {
      type: trigger.type,
      ...(trigger.hook ? { hook: trigger.hook } : {}),
      ...(trigger.test ? { test: true } : {}),
      body: trigger.body ?? null,
      ...(trigger.headers ? { headers: trigger.headers, parameters: trigger.parameters ?? {} } : {}),
    },
    scheduled_time: iso(row.scheduled_time),
    created_at: iso(row.created_at),
    started_at: iso(row.started_at),
    finished_at: iso(row.finished_at),
    next_attempt_at: iso(row.next_attempt_at),
    ...(attempts ? { attempt_log: attempts.map(attemptView) } : {}),
  };
}

export function attemptView(a: AttemptRow) {
  return {
    attempt: a.attempt,
    started_at: new Date(a.started_at).toISOString(),
    duration_ms: a.duration_ms,
    status_code: a.status_code,
    error_code: a.error_code,
    error: a.error,
    request: JSON.parse(a.request),
    response_headers: json(a.response_headers),
    response_body: a.response_body,
    response_body_truncated: a.response_truncated === 1,
  };
}
