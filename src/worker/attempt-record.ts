import { v7 as uuidv7 } from 'uuid';
import { errorCodeOf, type CallOutcome } from '../http/caller.js';
import { nextDelayMs } from '../http/retry-policy.js';
import type { ClaimedRun, RunCompletion } from '../store/store.js';
import type { PreparedCall } from './run-calls.js';

/** What follows a run's attempt besides the attempt itself: its settings, graph, notify rules, and whether its result is kept. */
export type AttemptContext = Pick<PreparedCall, 'settings' | 'completion' | 'keepOutput'> & { endpoint?: string };

/** Turns an attempt's outcome into what the store writes: the attempt row and the run's next state. */
export function completionFor(run: ClaimedRun, outcome: CallOutcome, context: AttemptContext, now: number): RunCompletion {
  const { result } = outcome;
  const retry = outcome.verdict === 'retry' && run.attempt < context.settings.maxAttempts;
  const final = outcome.verdict === 'success' ? 'succeeded' : 'failed';
  const request = JSON.stringify(outcome.request);
  return {
    kind: run.kind,
    task_name: run.name,
    ...context.completion,
    output: final === 'succeeded' && context.keepOutput ? outputOf(result) : null,
    run_id: run.id,
    execution_id: run.execution_id,
    job_id: run.job_id,
    namespace: run.namespace,
    owner: run.lease_owner,
    outcome: retry ? 'retry' : final,
    due_at: retry ? now + nextDelayMs(context.settings.policy, run.attempt, outcome.retryAfterMs) : undefined,
    error: outcome.error,
    request,
    response: JSON.stringify({ status_code: result.statusCode ?? 0, error: outcome.error }),
    now,
    hook_id: run.hook_id,
    attempt: {
      id: uuidv7(),
      run_id: run.id,
      execution_id: run.execution_id,
      attempt: run.attempt,
      started_at: result.startedAt,
      duration_ms: result.durationMs,
      status_code: result.statusCode ?? null,
      error_code: errorCodeOf(result),
      error: outcome.error,
      request,
      response_headers: result.headers ? JSON.stringify(result.headers) : null,
      response_body: result.body === undefined ? null : result.bodyEncoding === 'binary' ? Buffer.from(result.body, 'latin1').toString('base64') : result.body,
      response_truncated: result.truncated ? 1 : 0,
      response_encoding: result.bodyEncoding === 'binary' ? 'base64' : null,
      endpoint: context.endpoint ?? null,
    },
  };
}

/** A task's result as later templates read it: `outputs.<task>.status_code`, `.headers` and `.body` (parsed when JSON). */
function outputOf(result: CallOutcome['result']): string {
  const json = /[/+]json\b/i.test(result.headers?.['content-type'] ?? '');
  let body: unknown = result.body === undefined ? null : result.bodyEncoding === 'binary' ? Buffer.from(result.body, 'latin1').toString('base64') : result.body;
  if (json && typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      // kept as the text it was
    }
  }
  return JSON.stringify({ status_code: result.statusCode ?? null, headers: result.headers ?? {}, body });
}
