/**
 * What the store writes when an attempt ends: the attempt, where its run goes next and, when the
 * run is a task that ended, what follows in its execution — dependents released or skipped, the
 * execution ended once every task has, and a notification run for each event a notify entry wants.
 */
import type { Driver } from './driver.js';
import { stopHookAfter } from './hook-store.js';
import { notify } from './notify-runs.js';
import * as q from './queries.js';
import * as r from './run-queries.js';
import type { AttemptRow, Ended, RunCompletion } from './rows.js';


/**
 * Writes one completion but its attempt (see insertAttempts); says whether the attempt is to be
 * written (not when the run's lease lapsed to another worker) and how its execution ended, when
 * this completion ended it.
 */
export async function complete(tx: Driver, item: RunCompletion): Promise<{ written: boolean; ended?: Ended }> {
  const retry = item.outcome === 'retry';
  const [run] = await tx.query<{ started_at: number | null }>(q.FINISH_RUN, [
    retry ? 'pending' : item.outcome, retry ? item.due_at : item.now, item.error, item.now, retry ? null : item.now,
    item.output ?? null, item.run_id, item.owner,
  ]);
  if (!run) return { written: false }; // the lease lapsed and another worker holds the run now
  const a = item.attempt;
  if (item.kind === 'notification') return { written: true }; // a notification's outcome is its own
  const chronos = [a.attempt, item.error, item.request, item.response];
  if (retry) {
    await tx.execute(q.UPDATE_EXECUTION_ATTEMPT_ONLY, ['retrying', ...chronos, item.execution_id]);
    return { written: true };
  }
  const task = item.outcome as Ended;
  const ended = item.graph ? await settleGraph(tx, item, task) : task;
  if (!ended) await tx.execute(q.UPDATE_EXECUTION_ATTEMPT_ONLY, ['running', ...chronos, item.execution_id]);
  else {
    // An execution that failed says why, though the task that ended it last may have succeeded.
    if (ended === 'failed' && item.error === null) chronos[1] = (await tx.query<{ last_error: string | null }>(r.LAST_TASK_ERROR, [item.execution_id]))[0]?.last_error ?? null;
    await tx.execute(q.UPDATE_EXECUTION_AFTER_ATTEMPT, [ended, ...chronos, item.now, item.execution_id]);
  }
  if (ended && item.hook_id) await stopHookAfter(tx, item.hook_id, item.execution_id, ended, item.now);
  await notify(tx, item, task, run.started_at, ended);
  return { written: true, ended };
}

/** Writes the attempts of a batch's completions, in a few multi-row inserts (nothing in `complete` reads them). */
export async function insertAttempts(tx: Driver, attempts: AttemptRow[]): Promise<void> {
  for (let at = 0; at < attempts.length; at += q.ROWS_PER_STATEMENT) {
    const chunk = attempts.slice(at, at + q.ROWS_PER_STATEMENT);
    await tx.execute(
      q.insertAttempts(chunk.length),
      chunk.flatMap((a) => [
        a.id, a.run_id, a.execution_id, a.attempt, a.started_at, a.duration_ms, a.status_code, a.error_code, a.error,
        a.request, a.response_headers, a.response_body, a.response_truncated, a.endpoint,
      ]),
    );
  }
}

/** Releases or skips what follows a task; returns how the execution ended, if it did. */
async function settleGraph(tx: Driver, item: RunCompletion, task: Ended): Promise<Ended | undefined> {
  const { dependents, downstream } = item.graph!;
  const id = item.execution_id;
  if (task === 'succeeded' && dependents.length > 0) {
    await tx.execute(r.unblock(dependents.length), [item.now, id, ...dependents]);
    await tx.execute(r.RELEASE_UNBLOCKED, [item.now, item.now, id]);
  }
  if (task === 'failed' && downstream.length > 0) await tx.execute(r.skip(downstream.length), [item.now, item.now, id, ...downstream]);
  const [tally] = await tx.query<{ open: number; failed: number }>(r.TASK_TALLY, [id]);
  if (Number(tally.open) > 0) return undefined;
  return Number(tally.failed) > 0 ? 'failed' : 'succeeded';
}
