import type { AttemptRow, ExecutionRow, NotifyFacts, RunRow } from '../store/store.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const json = (text: string | null) => (text === null ? null : JSON.parse(text));

/**
 * An execution in the Chronos shape, `{id, status, attempts, last_error, request, response}`, and
 * more; with its runs, each task and notification, and every attempt.
 */
export function executionView(row: ExecutionRow, attempts?: AttemptRow[], runs?: RunRow[]) {
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
    retried_at: iso(row.retried_at),
    next_attempt_at: iso(row.next_attempt_at),
    ...(runs ? { tasks: tasksView(row, runs), notifications: runs.filter((r) => r.kind === 'notification').map(notificationView) } : {}),
    ...(attempts ? { attempt_log: attempts.map((a) => attemptView(a, runs?.find((r) => r.id === a.run_id))) } : {}),
  };
}

function tasksView(row: ExecutionRow, runs: RunRow[]) {
  const waitsFor = dependencies(row);
  return runs.filter((r) => r.kind === 'task').map((r) => taskView(r, waitsFor.get(r.name) ?? []));
}

/** What each task of the execution waited for, from the spec it ran with. */
function dependencies(row: ExecutionRow): Map<string, string[]> {
  const tasks = row.spec ? (JSON.parse(row.spec) as { tasks?: Array<{ name: string; depends_on?: string[] }> }).tasks : undefined;
  return new Map((tasks ?? []).map((t) => [t.name, t.depends_on ?? []]));
}

/** A task run: what it waited for, how it stands, when it ran, and its attempts so far. */
function taskView(run: RunRow, dependsOn: string[]) {
  return {
    name: run.name,
    depends_on: dependsOn,
    status: run.status,
    attempts: run.attempt,
    max_attempts: run.max_attempts,
    started_at: iso(run.started_at),
    finished_at: iso(run.finished_at),
    duration_ms: run.started_at !== null && run.finished_at !== null ? run.finished_at - run.started_at : null,
    last_error: run.last_error,
    next_attempt_at: run.status === 'pending' ? iso(run.due_at) : null,
  };
}

/** A notification: the event it reports, to which notify entry, and how its delivery stands. */
function notificationView(run: RunRow) {
  const facts = JSON.parse(run.input ?? '{}') as Partial<NotifyFacts>;
  return {
    notify: notifyIndex(run),
    event: facts.event ?? null,
    task: facts.task ?? null,
    status: run.status,
    attempts: run.attempt,
    last_error: run.last_error,
    next_attempt_at: run.status === 'pending' ? iso(run.due_at) : null,
  };
}

const notifyIndex = (run: RunRow) => Number(run.name.replace(/^notify-/, ''));

/** One attempt; with its run, the task it was of or the notify entry it delivered to. */
export function attemptView(a: AttemptRow, run?: RunRow) {
  const of = run === undefined ? {} : run.kind === 'task' ? { task: run.name } : { notification: notifyIndex(run) };
  return {
    ...of,
    endpoint: a.endpoint,
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
    ...(a.response_encoding === 'base64' ? { response_body_encoding: 'base64' as const } : {}),
  };
}
