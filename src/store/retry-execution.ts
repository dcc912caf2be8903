import type { Driver } from './driver.js';
import { REOPEN_EXECUTION, RETRY_RUN, EXECUTION_FOR_RETRY, TASK_RUNS } from './run-queries.js';
import type { RetriedTask, RetryResult, RunStatus } from './store.js';

/**
 * Runs the failed and skipped tasks of a finished execution again, keeping the succeeded ones: a
 * task whose dependencies all succeeded is due now, the others wait for them. Each task retried
 * gets its attempts again, counted on from where it stopped.
 */
export async function retryExecution(tx: Driver, jobId: string, id: string, tasks: RetriedTask[], now: number): Promise<RetryResult> {
  const [execution] = await tx.query<{ finished_at: number | null }>(EXECUTION_FOR_RETRY, [jobId, id]);
  if (!execution) return 'not_found';
  if (execution.finished_at === null) return 'unfinished';
  const runs = await tx.query<{ id: string; name: string; status: RunStatus; attempt: number }>(TASK_RUNS, [id]);
  const succeeded = new Set(runs.filter((run) => run.status === 'succeeded').map((run) => run.name));
  const again = runs.filter((run) => run.status === 'failed' || run.status === 'skipped');
  if (again.length === 0) return 'nothing_to_retry';
  for (const run of again) {
    const task = tasks.find((t) => t.name === run.name);
    const blockers = (task?.depends_on ?? []).filter((name) => !succeeded.has(name)).length;
    const attempts = run.attempt + (task?.max_attempts ?? 1);
    await tx.execute(RETRY_RUN, [blockers > 0 ? 'blocked' : 'pending', blockers, attempts, now, now, run.id]);
  }
  await tx.execute(REOPEN_EXECUTION, [now, id]);
  return 'retried';
}
