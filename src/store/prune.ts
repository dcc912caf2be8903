import type { Dialect, Driver } from './driver.js';
import * as q from './prune-queries.js';
import type { PruneCutoff, PruneMarks, Pruned, PrunedTable } from './hook-rows.js';

/** One batch of each kind older than the cutoff; executions take their runs and attempts with them, and the counts of them go too. */
export async function prune(db: Driver, dialect: Dialect, cutoff: PruneCutoff, batch: number, from: PruneMarks = {}): Promise<Pruned> {
  const params = (p: q.Prune) => [from[p.table] ?? 0, cutoff[p.before], batch];
  const pruned: Pruned = { counts: { executions: 0, invocations: 0, ticks: 0, rate_counts: 0, rollups: 0 }, reached: {} };
  if (dialect.writingCtes) {
    const [row] = await db.query<Record<string, number | string | null>>(q.pruneAll(dialect), q.PRUNES.flatMap(params));
    for (const p of q.PRUNES) {
      pruned.counts[p.counts] += Number(row[p.table]);
      const reached = row[`${p.table}_reached`];
      if (reached !== null) pruned.reached[p.table] = Number(reached);
    }
  } else {
    // SQLite takes deleted rows out of its indexes at once: each scan may start at the front.
    for (const p of q.PRUNES) pruned.counts[p.counts] += await db.execute(q.pruneStatement(dialect, p), params(p));
  }
  return pruned;
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
