import type { ExecutionRow } from '../store/store.js';

/** What a call held for its execution (`wait`) is answered, by how the execution stands. */
export function waitedAnswer(
  base: { id: string; namespace: string; job: string; url: string },
  execution: ExecutionRow | undefined,
): { status: number; body: Record<string, unknown> } {
  if (!execution) return { status: 200, body: { ...base, state: 'unknown' } };
  const report = {
    ...base,
    state: execution.status,
    attempts: execution.attempts,
    last_error: execution.last_error,
    response: execution.response === null ? null : JSON.parse(execution.response),
  };
  // Succeeded: 200. Failed: 502, the job's call went wrong. Still going at the deadline: 202.
  if (execution.status === 'succeeded') return { status: 200, body: report };
  if (execution.status === 'failed') return { status: 502, body: report };
  return { status: 202, body: report };
}
