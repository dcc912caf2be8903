import type { Dialect, Driver } from './driver.js';
import * as q from './prune-queries.js';
import type { PruneCounts, PruneCutoff, PrunedTable } from './hook-rows.js';

/** One batch of each kind older than the cutoff; executions take their runs and attempts with them, and the counts of them go too. */
export async function prune(db: Driver, dialect: Dialect, cutoff: PruneCutoff, batch: number): Promise<PruneCounts> {
  if (dialect.writingCtes) {
    const params = [cutoff.received_before, cutoff.finished_before, cutoff.ticks_before, cutoff.windows_before, cutoff.finished_before, cutoff.finished_before, cutoff.finished_before];
    const [counts] = await db.query<PruneCounts>(q.PRUNE_ALL, params.flatMap((before) => [before, batch]));
    return counts;
  }
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

/**
 * After a prune, makes the space of a table's deleted rows reusable where the database does not do
 * it by itself: on PostgreSQL with autovacuum off (for the server or the executions table), the
 * table is vacuumed — a VACUUM takes no lock that reads or writes wait for. Returns whether it was.
 */
export async function reclaim(db: Driver, dialect: Dialect, table: PrunedTable): Promise<boolean> {
  if (dialect.reusesFreedSpace) return false;
  const [row] = await db.query<{ on: boolean }>(q.AUTOVACUUM_ON);
  if (row?.on) return false;
  await db.script(q.vacuum(table));
  return true;
}
