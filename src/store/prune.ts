import type { Dialect, Driver } from './driver.js';
import * as q from './prune-queries.js';
import type { PruneCounts, PruneCutoff, PrunedTable } from './hook-rows.js';

/** One batch of each kind older than the cutoff; executions take their runs and attempts with them, and the counts of them go too. */
export async function prune(db: Driver, dialect: Dialect, cutoff: PruneCutoff, batch: number): Promise<PruneCounts> {
  const deleted = new Map<q.Prune, number>();
  if (dialect.writingCtes) {
    const [row] = await db.query<Record<string, number | string>>(q.pruneAll(dialect), q.PRUNES.flatMap((p) => [cutoff[p.before], batch]));
    for (const p of q.PRUNES) deleted.set(p, Number(row[p.table]));
  } else {
    for (const p of q.PRUNES) deleted.set(p, await db.execute(q.pruneStatement(dialect, p), [cutoff[p.before], batch]));
  }
  const counts: PruneCounts = { executions: 0, invocations: 0, ticks: 0, rate_counts: 0, rollups: 0 };
  for (const [p, n] of deleted) counts[p.counts] += n;
  return counts;
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
