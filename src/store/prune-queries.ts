/** The SQL of retention pruning. */
import type { Dialect } from './driver.js';
import type { PruneCounts, PruneCutoff, PrunedTable } from './hook-rows.js';

/** PostgreSQL: whether autovacuum looks after the executions table (on for the server, not off for the table). */
export const AUTOVACUUM_ON = `
SELECT current_setting('autovacuum') = 'on'
  AND COALESCE((SELECT option_value FROM pg_options_to_table(c.reloptions) WHERE option_name = 'autovacuum_enabled'), 'true') <> 'false' AS on
FROM pg_class c WHERE c.oid = 'executions'::regclass`;

/**
 * PostgreSQL: a table's dead rows made reusable; one being vacuumed already (autovacuum, another node) is
 * skipped. Empty pages at the table's end are kept for reuse: giving them back would lock the table.
 */
export const vacuum = (table: PrunedTable) => `VACUUM (SKIP_LOCKED, TRUNCATE false) ${table}`;

/** One kind of pruning: rows of `table` whose `age` is before the cutoff's `before`, counted as `counts`. */
export interface Prune {
  table: PrunedTable;
  age: string;
  before: keyof PruneCutoff;
  counts: keyof PruneCounts;
}

/**
 * What retention deletes. Executions take their runs and attempts with them (foreign keys); the
 * overview's counts go with the executions they counted.
 */
export const PRUNES: readonly Prune[] = [
  { table: 'invocations', age: 'received_at', before: 'received_before', counts: 'invocations' },
  { table: 'executions', age: 'finished_at', before: 'finished_before', counts: 'executions' },
  { table: 'ticks', age: 'scheduled_for', before: 'ticks_before', counts: 'ticks' },
  { table: 'rate_counts', age: 'window_start', before: 'windows_before', counts: 'rate_counts' },
  { table: 'attempt_minutes', age: 'minute', before: 'finished_before', counts: 'rollups' },
  { table: 'failure_minutes', age: 'minute', before: 'finished_before', counts: 'rollups' },
  { table: 'endpoint_minutes', age: 'minute', before: 'finished_before', counts: 'rollups' },
];

/**
 * A batch of the oldest rows is found through the age's index and deleted by the rows' physical
 * addresses. On PostgreSQL they go in an array: `IN (SELECT …)` let the planner join the batch to a
 * scan of the whole table, a cost that grew with the table (a 2,000-row batch of 300,000 executions
 * read all their pages; with the array it reads the batch's).
 */
const ADDRESSED: Record<Dialect['name'], (select: string) => string> = {
  sqlite: (select) => `rowid IN (SELECT rowid ${select})`,
  postgres: (select) => `ctid = ANY(ARRAY(SELECT ctid ${select}))`,
};

/** Deletes at most a batch, oldest first, from an age on; parameters: the age to start at, the cutoff, the batch. */
export const pruneStatement = (dialect: Dialect, { table, age }: Prune) =>
  `DELETE FROM ${table} WHERE ${ADDRESSED[dialect.name](`FROM ${table} WHERE ${age} >= ? AND ${age} < ? ORDER BY ${age} LIMIT ?`)}`;

/**
 * Every prune of a call in one statement, where writes may sit in WITH clauses (PostgreSQL): one
 * round trip instead of seven. Its locks are held for the statement, as each statement's were.
 * Parameters: each prune's three, in PRUNES' order. Returns, named by each prune's table, how many
 * rows went and (`<table>_reached`) the newest age among them.
 */
export const pruneAll = (dialect: Dialect) => `
WITH ${PRUNES.map((p) => `pruned_${p.table} AS (${pruneStatement(dialect, p)} RETURNING ${p.age} AS age)`).join(',\n  ')}
SELECT ${PRUNES.map((p) => `(SELECT COUNT(*) FROM pruned_${p.table}) AS ${p.table}, (SELECT MAX(age) FROM pruned_${p.table}) AS ${p.table}_reached`).join(',\n  ')}`;
