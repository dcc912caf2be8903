/**
 * A batch of completions in one transaction. Those that stand outside any graph — a job's only
 * task, or a notification — are written together: every run ended in one statement and every
 * execution moved on in another, instead of two round trips an item. A graph's completions go one
 * by one (`complete`): each reads what the ones before it wrote (its siblings' states). The
 * attempts and their counts, read by none of them, go last in a few statements.
 */
import { countAttempts } from './attempt-rollup.js';
import type { Driver } from './driver.js';
import * as q from './queries.js';
import { stopHookAfter } from './hook-store.js';
import { notify } from './notify-runs.js';
import { complete, insertAttempts } from './run-completion.js';
import * as r from './run-queries.js';
import type { Ended, RunCompletion } from './rows.js';

interface Finished {
  written: boolean;
  ended?: Ended;
}

/** Writes a batch of completions; says of each, in order, how its execution ended if it did. */
export async function completeRuns(tx: Driver, items: RunCompletion[]): Promise<Array<Ended | undefined>> {
  const together = batchable(items);
  const batched = [...together];
  const results = new Map<RunCompletion, Finished>();
  (await finishRuns(tx, batched)).forEach((result, i) => results.set(batched[i], result));
  for (const item of items) if (!together.has(item)) results.set(item, await complete(tx, item));
  const written = items.filter((item) => results.get(item)!.written);
  await insertAttempts(tx, written.map((item) => item.attempt));
  await countAttempts(tx, written.map((item) => ({ ...item.attempt, owner: item.owner, job_id: item.job_id })));
  return items.map((item) => results.get(item)!.ended);
}

/** The completions that can go together: they touch no graph, and no other of the batch touches their execution. */
function batchable(items: RunCompletion[]): Set<RunCompletion> {
  const alone = items.filter((i) => !i.graph);
  const perExecution = new Map<string, number>();
  for (const i of alone) if (i.kind === 'task') perExecution.set(i.execution_id, (perExecution.get(i.execution_id) ?? 0) + 1);
  return new Set(alone.filter((i) => i.kind !== 'task' || perExecution.get(i.execution_id) === 1));
}

/** Writes completions that `batchable` picked; says of each, in order, what `complete` would. */
async function finishRuns(tx: Driver, items: RunCompletion[]): Promise<Finished[]> {
  const started = await endRuns(tx, items);
  const results = items.map((item): Finished => {
    if (!started.has(item.run_id)) return { written: false }; // the lease lapsed and another worker holds the run now
    return { written: true, ended: item.kind === 'task' && item.outcome !== 'retry' ? item.outcome : undefined };
  });
  const tasks = items.filter((item, i) => results[i].written && item.kind === 'task');
  await moveExecutions(tx, tasks);
  for (const [i, item] of items.entries()) {
    const { ended } = results[i];
    if (!results[i].written || item.kind !== 'task') continue;
    if (ended && item.hook_id) await stopHookAfter(tx, item.hook_id, item.execution_id, ended, item.now);
    if (item.outcome !== 'retry') await notify(tx, item, item.outcome, started.get(item.run_id) ?? null, ended);
  }
  return results;
}

/** Ends each item's run that its owner still holds; returns the ended runs' start times by id. */
async function endRuns(tx: Driver, items: RunCompletion[]): Promise<Map<string, number | null>> {
  const started = new Map<string, number | null>();
  for (let at = 0; at < items.length; at += q.ROWS_PER_STATEMENT) {
    const chunk = items.slice(at, at + q.ROWS_PER_STATEMENT);
    const params = chunk.flatMap((item) => {
      const retry = item.outcome === 'retry';
      return [
        item.run_id, item.owner, retry ? 'pending' : item.outcome, retry ? item.due_at : item.now, item.error, item.now,
        retry ? null : item.now, item.output ?? null,
      ];
    });
    const rows = await tx.query<{ id: string; started_at: number | null }>(q.finishRuns(chunk.length), params);
    for (const row of rows) started.set(row.id, row.started_at === null ? null : Number(row.started_at));
  }
  return started;
}

/** Each task's execution follows its attempt: retrying, or ended as the task ended. */
async function moveExecutions(tx: Driver, items: RunCompletion[]): Promise<void> {
  const params: unknown[][] = [];
  for (const item of items) {
    const retry = item.outcome === 'retry';
    let error = item.error;
    // An execution that failed says why, though its attempt named no error.
    if (item.outcome === 'failed' && error === null) error = (await tx.query<{ last_error: string | null }>(r.LAST_TASK_ERROR, [item.execution_id]))[0]?.last_error ?? null;
    params.push([item.execution_id, retry ? 'retrying' : item.outcome, item.attempt.attempt, error, item.request, item.response, retry ? null : item.now]);
  }
  for (let at = 0; at < params.length; at += q.ROWS_PER_STATEMENT) {
    const chunk = params.slice(at, at + q.ROWS_PER_STATEMENT);
    await tx.execute(q.moveExecutions(chunk.length), chunk.flat());
  }
}
