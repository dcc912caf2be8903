import { v7 as uuidv7 } from 'uuid';
import { errorCodeOf, type CallOutcome } from '../http/caller.js';
import { nextDelayMs, type RetryPolicy } from '../http/retry-policy.js';
import type { ClaimedRun, RunCompletion } from '../store/store.js';

/** Turns an attempt's outcome into what the store writes: the attempt row and the run's next state. */
export function completionFor(run: ClaimedRun, outcome: CallOutcome, policy: RetryPolicy, now: number): RunCompletion {
  const { result } = outcome;
  const retry = outcome.verdict === 'retry' && run.attempt < run.max_attempts;
  const final = outcome.verdict === 'success' ? 'succeeded' : 'failed';
  const request = JSON.stringify(outcome.request);
  return {
    run_id: run.id,
    execution_id: run.execution_id,
    owner: run.lease_owner,
    outcome: retry ? 'retry' : final,
    due_at: retry ? now + nextDelayMs(policy, run.attempt, outcome.retryAfterMs) : undefined,
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
      response_body: result.body ?? null,
      response_truncated: result.truncated ? 1 : 0,
    },
  };
}
