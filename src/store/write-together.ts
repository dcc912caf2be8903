import type { Dialect, Driver } from './driver.js';

/** A write statement with its parameters. */
export interface Write {
  sql: string;
  params: unknown[];
}

/** Parameters one combined statement carries at most: PostgreSQL takes 65,535. */
const MAX_PARAMS = 30_000;

/**
 * Writes that read nothing of one another's. Where the store takes writes in WITH clauses
 * (PostgreSQL) they are sent together, each but the last of a statement in a clause of its own: one
 * round trip instead of one each (more only past MAX_PARAMS). Foreign keys between them are checked
 * at each statement's end, so a row may name one written beside it. Elsewhere they run one after
 * another, in order.
 */
export async function writeTogether(tx: Driver, dialect: Dialect, writes: Write[]): Promise<void> {
  if (!dialect.writingCtes) {
    for (const w of writes) await tx.execute(w.sql, w.params);
    return;
  }
  for (const group of byParams(writes)) {
    const clauses = group.slice(0, -1).map((w, i) => `w${i} AS (${w.sql})`);
    const last = group[group.length - 1].sql;
    await tx.execute(clauses.length === 0 ? last : `WITH ${clauses.join(', ')} ${last}`, group.flatMap((w) => w.params));
  }
}

/** The writes in order, in groups of at most MAX_PARAMS parameters (a write larger alone is a group of its own). */
function byParams(writes: Write[]): Write[][] {
  const groups: Write[][] = [];
  let size = 0;
  for (const w of writes) {
    if (groups.length === 0 || size + w.params.length > MAX_PARAMS) {
      groups.push([]);
      size = 0;
    }
    groups[groups.length - 1].push(w);
    size += w.params.length;
  }
  return groups;
}
