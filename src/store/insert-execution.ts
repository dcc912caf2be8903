import type { Driver } from './driver.js';
import * as q from './queries.js';
import type { CreatedExecution, NewExecution, NewRun } from './store.js';

/**
 * Writes an execution with its runs. An idempotency key seen within `windowMs` returns the first
 * execution instead; `jobKnown` skips the check that the job still exists.
 */
export async function insertExecution(tx: Driver, item: NewExecution, windowMs: number, jobKnown = false): Promise<CreatedExecution> {
  if (!jobKnown && (await tx.query(q.JOB_EXISTS, [item.job_id])).length === 0) throw new JobGoneError(item.job_id);
  if (item.idempotency_key !== undefined) {
    const [seen] = await tx.query<{ id: string; created_at: number }>(q.FIND_IDEMPOTENT, [item.job_id, item.idempotency_key]);
    if (seen && seen.created_at >= item.created_at - windowMs) return { id: seen.id, reused: true };
    if (seen) await tx.execute(q.FORGET_IDEMPOTENCY_KEY, [seen.id]);
  }
  const leased = item.runs.some((run) => run.lease);
  await tx.execute(q.INSERT_EXECUTION, [
    item.id, item.job_id, item.namespace, leased ? 'running' : 'pending', item.trigger_type, item.trigger, item.spec,
    item.scheduled_time, item.idempotency_key ?? null, item.created_at, leased ? item.created_at : null, item.hook_id ?? null,
  ]);
  for (const run of item.runs) await insertRun(tx, item.id, run, item.created_at);
  return { id: item.id, reused: false };
}

/** The job was deleted between the request's checks and its commit. */
export class JobGoneError extends Error {
  constructor(readonly jobId: string) {
    super(`job ${jobId} no longer exists`);
  }
}

/** A run born pending, blocked on the tasks it waits for, or already running under a lease. */
export async function insertRun(tx: Driver, executionId: string, run: NewRun, now: number): Promise<void> {
  const status = run.lease ? 'running' : (run.blockers ?? 0) > 0 ? 'blocked' : 'pending';
  await tx.execute(q.INSERT_RUN, [
    run.id, executionId, run.kind, run.name, status, run.lease ? 1 : 0, run.max_attempts, run.timeout_ms, now,
    run.lease?.owner ?? null, run.lease?.until ?? null, run.message_id, now, now, run.blockers ?? 0, run.input ?? null,
    run.lease ? now : null,
  ]);
}
