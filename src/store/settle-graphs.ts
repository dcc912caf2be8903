/**
 * What follows tasks that ended, in their graphs, for tasks of distinct executions at once: a
 * succeeded task's dependents each wait for one task fewer and those that wait for nothing more
 * are due; a failed task's downstream tasks are skipped; then each execution's tasks are tallied,
 * and an execution whose tasks have all ended ends — failed if any failed or was skipped.
 */
import type { Driver } from './driver.js';
import { ROWS_PER_STATEMENT } from './queries.js';
import * as r from './run-queries.js';
import type { Ended, RunCompletion } from './rows.js';

/** Settles the graphs of `tasks` (ended, of distinct executions); returns the executions they ended. */
export async function settleGraphs(tx: Driver, tasks: RunCompletion[]): Promise<Map<RunCompletion, Ended>> {
  const ended = new Map<RunCompletion, Ended>();
  if (tasks.length === 0) return ended;
  // The round's tasks ended within moments of each other: what they make due is due at the latest of their times.
  const now = Math.max(...tasks.map((item) => item.now));
  for (const chunk of chunks(tasks.filter((item) => item.outcome === 'succeeded' && item.graph!.dependents.length > 0))) {
    const [executions, dependents] = keysOf(chunk, (item) => item.graph!.dependents);
    await tx.execute(r.unblockMany(executions.length, dependents.length), [now, now, ...executions, ...dependents]);
  }
  for (const chunk of chunks(tasks.filter((item) => item.outcome === 'failed' && item.graph!.downstream.length > 0))) {
    const [executions, downstream] = keysOf(chunk, (item) => item.graph!.downstream);
    await tx.execute(r.skipMany(executions.length, downstream.length), [now, now, ...executions, ...downstream]);
  }
  const tallies = new Map<string, { open: number; failed: number }>();
  for (const chunk of chunks(tasks)) {
    const ids = chunk.map((item) => item.execution_id);
    for (const row of await tx.query<{ execution_id: string; open: number; failed: number }>(r.taskTallies(ids.length), ids)) {
      tallies.set(row.execution_id, { open: Number(row.open), failed: Number(row.failed) });
    }
  }
  for (const item of tasks) {
    const tally = tallies.get(item.execution_id)!;
    if (tally.open === 0) ended.set(item, tally.failed > 0 ? 'failed' : 'succeeded');
  }
  return ended;
}

/** The executions of `items` and the tasks `names` picks in each, as `execution_id/name`. */
function keysOf(items: RunCompletion[], names: (item: RunCompletion) => string[]): [string[], string[]] {
  return [items.map((item) => item.execution_id), items.flatMap((item) => names(item).map((name) => `${item.execution_id}/${name}`))];
}

/** Tasks in groups whose executions and named tasks together stay within ROWS_PER_STATEMENT (one larger task goes alone). */
function chunks(items: RunCompletion[]): RunCompletion[][] {
  const out: RunCompletion[][] = [];
  let current: RunCompletion[] = [];
  let size = 0;
  for (const item of items) {
    const width = 1 + Math.max(item.graph?.dependents.length ?? 0, item.graph?.downstream.length ?? 0);
    if (current.length > 0 && size + width > ROWS_PER_STATEMENT) {
      out.push(current);
      current = [];
      size = 0;
    }
    current.push(item);
    size += width;
  }
  if (current.length > 0) out.push(current);
  return out;
}
