import type { Driver } from './driver.js';
import * as q from './prune-queries.js';
import type { PruneCounts, PruneCutoff } from './store.js';

/** One batch of each kind older than the cutoff; executions take their runs and attempts with them, and the counts of them go too. */
export async function prune(db: Driver, cutoff: PruneCutoff, batch: number): Promise<PruneCounts> {
  return {
    invocations: await db.execute(q.PRUNE_INVOCATIONS, [cutoff.received_before, batch]),
    executions: await db.execute(q.PRUNE_EXECUTIONS, [cutoff.finished_before, batch]),
    ticks: await db.execute(q.PRUNE_TICKS, [cutoff.ticks_before, batch]),
    rate_counts: await db.execute(q.PRUNE_RATE_COUNTS, [cutoff.windows_before, batch]),
    // The overview's counts go with the executions they counted.
    rollups:
      (await db.execute(q.PRUNE_ATTEMPT_MINUTES, [cutoff.finished_before, batch])) +
      (await db.execute(q.PRUNE_FAILURE_MINUTES, [cutoff.finished_before, batch])) +
      (await db.execute(q.PRUNE_ENDPOINT_MINUTES, [cutoff.finished_before, batch])),
  };
}
