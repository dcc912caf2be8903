import type { Dialect, Driver } from './driver.js';

/** A write statement with its parameters. */
export interface Write {
  sql: string;
  params: unknown[];
}

/**
 * Writes that read nothing of one another's. Where the store takes writes in WITH clauses
 * (PostgreSQL) they are sent as one statement, each but the last in a clause of its own: one round
 * trip instead of one each. Foreign keys between them are checked at the statement's end, so a row
 * may name one written beside it. Elsewhere they run one after another, in order.
 */
export async function writeTogether(tx: Driver, dialect: Dialect, writes: Write[]): Promise<void> {
  if (!dialect.writingCtes || writes.length < 2) {
    for (const w of writes) await tx.execute(w.sql, w.params);
    return;
  }
  const clauses = writes.slice(0, -1).map((w, i) => `w${i} AS (${w.sql})`);
  await tx.execute(`WITH ${clauses.join(', ')} ${writes[writes.length - 1].sql}`, writes.flatMap((w) => w.params));
}
