import type { Driver } from './driver.js';
import * as q from './queries.js';
import type { CreatedExecution, NewExecution, NewRun } from './store.js';
import type { Write } from './write-together.js';

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
  await tx.execute(q.INSERT_EXECUTION, executionParams(item));
  for (const run of item.runs) await insertRun(tx, item.id, run, item.created_at);
  return { id: item.id, reused: false };
}

/**
 * Writes many executions in a few statements: every job checked in one query (unless `jobsKnown`),
 * then insertKeyedExecutions, and the writes it leaves.
 */
export async function insertExecutions(tx: Driver, items: NewExecution[], windowMs: number, jobsKnown = false): Promise<CreatedExecution[]> {
  if (!jobsKnown) await checkJobs(tx, items);
  const { created, writes } = await insertKeyedExecutions(tx, items, windowMs);
  for (const w of writes) await tx.execute(w.sql, w.params);
  return created;
}

/**
 * Writes the executions with an idempotency key one by one, in order, since an earlier one may be
 * the one a later one reuses; returns what each item became and the writes of the rest (executions
 * and their runs in multi-row inserts), for the caller to send, alone or with writes of its own.
 */
export async function insertKeyedExecutions(tx: Driver, items: NewExecution[], windowMs: number): Promise<{ created: CreatedExecution[]; writes: Write[] }> {
  const created: CreatedExecution[] = [];
  for (const item of items) created.push(item.idempotency_key === undefined ? { id: item.id, reused: false } : await insertExecution(tx, item, windowMs, true));
  return { created, writes: plainExecutionWrites(items.filter((i) => i.idempotency_key === undefined)) };
}

function plainExecutionWrites(items: NewExecution[]): Write[] {
  const step = q.ROWS_PER_STATEMENT;
  const writes: Write[] = [];
  for (let at = 0; at < items.length; at += step) {
    const chunk = items.slice(at, at + step);
    writes.push({ sql: q.insertExecutions(chunk.length), params: chunk.flatMap(executionParams) });
    const runs = chunk.flatMap((item) => item.runs.map((run) => runParams(item.id, run, item.created_at)));
    for (let r = 0; r < runs.length; r += step) {
      const some = runs.slice(r, r + step);
      writes.push({ sql: q.insertRuns(some.length), params: some.flat() });
    }
  }
  return writes;
}

/** Throws JobGoneError when the job of an item no longer exists. */
async function checkJobs(tx: Driver, items: NewExecution[]): Promise<void> {
  const jobs = [...new Set(items.map((i) => i.job_id))];
  const found = new Set<string>();
  for (let at = 0; at < jobs.length; at += q.ROWS_PER_STATEMENT) {
    const ids = jobs.slice(at, at + q.ROWS_PER_STATEMENT);
    for (const row of await tx.query<{ id: string }>(q.existingJobs(ids.length), ids)) found.add(row.id);
  }
  const gone = items.find((i) => !found.has(i.job_id));
  if (gone) throw new JobGoneError(gone.job_id);
}

function executionParams(item: NewExecution): unknown[] {
  const leased = item.runs.some((run) => run.lease);
  return [
    item.id, item.job_id, item.namespace, leased ? 'running' : 'pending', item.trigger_type, item.trigger, item.spec,
    item.scheduled_time, item.idempotency_key ?? null, item.created_at, leased ? item.created_at : null, item.hook_id ?? null,
  ];
}

/** The job was deleted between the request's checks and its commit. */
export class JobGoneError extends Error {
  constructor(readonly jobId: string) {
    super(`job ${jobId} no longer exists`);
  }
}

/** A run born pending, blocked on the tasks it waits for, or already running under a lease. */
export async function insertRun(tx: Driver, executionId: string, run: NewRun, now: number): Promise<void> {
  await tx.execute(q.INSERT_RUN, runParams(executionId, run, now));
}

function runParams(executionId: string, run: NewRun, now: number): unknown[] {
  const status = run.lease ? 'running' : (run.blockers ?? 0) > 0 ? 'blocked' : 'pending';
  return [
    run.id, executionId, run.kind, run.name, status, run.lease ? 1 : 0, run.max_attempts, run.timeout_ms, now,
    run.lease?.owner ?? null, run.lease?.until ?? null, run.message_id, now, now, run.blockers ?? 0, run.input ?? null,
    run.lease ? now : null,
  ];
}
