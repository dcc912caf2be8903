import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { CallAbort } from '../http/call-abort.js';
import { configFailure, type Caller } from '../http/caller.js';
import { resolveRetryPolicy } from '../http/retry-policy.js';
import type { createSpecCache } from '../jobs/spec-cache.js';
import type { ClaimedRun, RunCompletion, Store } from '../store/store.js';
import { completionFor } from './attempt-record.js';
import { completionOf, UnpreparedRun, type PrepareRun } from './run-calls.js';

/** The abort reason of a call cut short by shutdown: its run is released, not recorded as an attempt. */
export const RELEASED = new Error('stopped: the worker is shutting down');

/**
 * One attempt of a run this worker holds: what it calls is worked out (a run that cannot be called
 * as it stands fails, unretried), its lease is stretched when its endpoint changed its settings, and
 * the call is made. Returns the completion to record, or nothing when shutdown cut the call short.
 */
export function createAttempt(deps: {
  store: Store;
  caller: Caller;
  openSpec: ReturnType<typeof createSpecCache>;
  clock: Clock;
  prepare: PrepareRun;
  leaseMarginMs: number;
}) {
  const { store, clock } = deps;
  return async function attempt(run: ClaimedRun, abort: CallAbort): Promise<RunCompletion | undefined> {
    const opened = run.kind === 'delivery' ? undefined : deps.openSpec(run.spec);
    if (run.attempt > run.max_attempts) {
      // Claimed past its attempts: earlier attempts were made but their outcomes never recorded
      // (a node lost, a record refused). It fails without another call, so re-delivery stays bounded.
      const settings = { policy: resolveRetryPolicy(undefined), maxAttempts: run.max_attempts, timeoutMs: run.timeout_ms };
      const failure = configFailure({}, `all ${run.max_attempts} attempts were made; the outcome of the last could not be recorded`, clock.now());
      return completionFor(run, failure, { settings, completion: completionOf(run, opened?.plan), keepOutput: false }, clock.now());
    }
    let call;
    try {
      call = await deps.prepare(run);
    } catch (err) {
      if (!(err instanceof UnpreparedRun)) throw err;
      // It fails as it stands, unretried: its settings matter no more.
      const settings = { policy: resolveRetryPolicy(undefined), maxAttempts: run.max_attempts, timeoutMs: run.timeout_ms };
      const failure = configFailure({}, err.message, clock.now());
      return completionFor(run, failure, { settings, completion: completionOf(run, opened?.plan), keepOutput: false }, clock.now());
    }
    const { settings } = call;
    if (settings.timeoutMs !== run.timeout_ms || settings.maxAttempts !== run.max_attempts) {
      // Its endpoint changed the run's settings: its lease must cover the call it makes now.
      await store.adjustRun(run.id, run.lease_owner, clock.now() + settings.timeoutMs + deps.leaseMarginMs, settings.timeoutMs, settings.maxAttempts);
    }
    const gate = call.completion.delivery;
    if (gate && gate.slot_ms > 0 && run.kind === 'delivery') {
      // Its endpoint's rate limit is kept by when deliveries are sent, not when they fell due.
      const putBack = await store.takeSendSlot({ id: run.id, owner: run.lease_owner, endpoint: run.name }, gate.slot_ms, clock.now());
      if (putBack !== undefined) return undefined;
    }
    const facts = {
      jobId: run.job_id,
      jobName: opened?.spec.name ?? '',
      eventType: call.eventType,
      executionId: run.execution_id,
      attempt: run.attempt,
      scheduledTime: run.scheduled_time,
      messageId: run.message_id,
      data: call.data,
    };
    const outcome = await deps.caller(call.webhook, facts, settings.timeoutMs, abort);
    if (abort.reason === RELEASED) return undefined; // the next holder makes this attempt again
    return completionFor(run, outcome, call, clock.now());
  };
}

/** An attempt's end in the log: at debug when it succeeded, at warn with its error and next try when not. */
export function logAttempt(log: Logger, run: ClaimedRun, c: RunCompletion): void {
  const fields = { job: run.job_id, execution: run.execution_id, attempt: run.attempt, status_code: c.attempt.status_code, outcome: c.outcome };
  if (c.outcome === 'succeeded') log.debug(fields, 'attempt succeeded');
  else log.warn({ ...fields, error: c.error, next_at: c.due_at && new Date(c.due_at).toISOString() }, 'attempt failed');
}
