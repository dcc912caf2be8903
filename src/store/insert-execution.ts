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
 * then prepareExecutions, and the writes it leaves.
 */
export async function insertExecutions(tx: Driver, items: NewExecution[], windowMs: number, jobsKnown = false): Promise<CreatedExecution[]> {
  if (!jobsKnown) await checkJobs(tx, items);
  const { created, writes } = await prepareExecutions(tx, items, windowMs);
  for (const w of writes) await tx.execute(w.sql, w.params);
  return created;
}

/**
 * Works out what each item becomes: a new execution, or, for an idempotency key seen within
 * `windowMs` — in the store or earlier in the batch — the execution that first had it. Every key is
 * looked up in one query. A key last seen longer ago is taken from the execution that had it, at
 * once, since the index of keys must see it gone before the new one is written. Returns the outcomes
 * and the writes of the new executions and their runs (multi-row inserts), for the caller to send,
 * alone or with writes of its own.
 */
export async function prepareExecutions(tx: Driver, items: NewExecution[], windowMs: number): Promise<{ created: CreatedExecution[]; writes: Write[] }> {
  const firsts = await keysSeen(tx, items);
  const created: CreatedExecution[] = [];
  const fresh = new Map<string, NewExecution>();
  const forget: string[] = [];
  for (const item of items) {
    const key = item.idempotency_key === undefined ? undefined : keyOf(item.job_id, item.idempotency_key);
    const first = key === undefined ? undefined : firsts.get(key);
    if (first && first.created_at >= item.created_at - windowMs) {
      created.push({ id: first.id, reused: true });
      continue;
    }
    // Past the window: a stored execution gives its key up now; one of this batch is written without it.
    if (first && fresh.has(first.id)) fresh.set(first.id, { ...fresh.get(first.id)!, idempotency_key: undefined });
    else if (first) forget.push(first.id);
    if (key !== undefined) firsts.set(key, { id: item.id, created_at: item.created_at });
    fresh.set(item.id, item);
    created.push({ id: item.id, reused: false });
  }
  for (let at = 0; at < forget.length; at += q.ROWS_PER_STATEMENT) {
    const some = forget.slice(at, at + q.ROWS_PER_STATEMENT);
    await tx.execute(q.forgetIdempotencyKeys(some.length), some);
  }
  return { created, writes: executionWrites([...fresh.values()]) };
}

const keyOf = (jobId: string, key: string) => JSON.stringify([jobId, key]);

/** The execution that holds each idempotency key the items carry, by job and key. */
async function keysSeen(tx: Driver, items: NewExecution[]): Promise<Map<string, { id: string; created_at: number }>> {
  const pairs = new Map<string, [string, string]>();
  for (const i of items) if (i.idempotency_key !== undefined) pairs.set(keyOf(i.job_id, i.idempotency_key), [i.job_id, i.idempotency_key]);
  const wanted = [...pairs.values()];
  const seen = new Map<string, { id: string; created_at: number }>();
  for (let at = 0; at < wanted.length; at += q.ROWS_PER_STATEMENT) {
    const some = wanted.slice(at, at + q.ROWS_PER_STATEMENT);
    const rows = await tx.query<{ id: string; job_id: string; idempotency_key: string; created_at: number }>(q.findIdempotent(some.length), some.flat());
    for (const row of rows) seen.set(keyOf(row.job_id, row.idempotency_key), { id: row.id, created_at: Number(row.created_at) });
  }
  return seen;
}

function executionWrites(items: NewExecution[]): Write[] {
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
    item.event_type ?? null,
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
  const status = run.lease ? 'running' : run.held ? 'held' : (run.blockers ?? 0) > 0 ? 'blocked' : 'pending';
  return [
    run.id, executionId, run.kind, run.name, status, run.lease ? 1 : 0, run.max_attempts, run.timeout_ms, now,
    run.lease?.owner ?? null, run.lease?.until ?? null, run.message_id, now, now, run.blockers ?? 0, run.input ?? null,
    run.lease ? now : null,
  ];
}
