import type { Driver } from './driver.js';
import * as q from './queries.js';
import type { CreatedExecution, NewExecution } from './store.js';

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
  for (const run of item.runs) {
    await tx.execute(q.INSERT_RUN, [
      run.id, item.id, run.kind, run.name, run.lease ? 'running' : 'pending', run.lease ? 1 : 0, run.max_attempts,
      run.timeout_ms, item.created_at, run.lease?.owner ?? null, run.lease?.until ?? null, run.message_id,
      item.created_at, item.created_at,
    ]);
  }
  return { id: item.id, reused: false };
}

/** The job was deleted between the request's checks and its commit. */
export class JobGoneError extends Error {
  constructor(readonly jobId: string) {
    super(`job ${jobId} no longer exists`);
  }
}
