/** The SQL of listing executions across jobs, each filter a clause with its own parameters. */
import { EXECUTION_COLUMNS } from './queries.js';
import type { ExecutionCursor, ExecutionFilter } from './store.js';

/**
 * Executions newest first, after the cursor, matching every filter given. Each filter that narrows
 * by a column leads an index of (column, created_at, id) — job, status, namespace; retried ones have
 * a partial index of their own — and the rest
 * are checked while that index is walked, so no listing reads the table whole.
 */
export function findExecutionsQuery(filter: ExecutionFilter, limit: number, before?: ExecutionCursor): { sql: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, ...values: unknown[]) => {
    where.push(clause);
    params.push(...values);
  };
  if (filter.job_id !== undefined) add('job_id = ?', filter.job_id);
  if (filter.status !== undefined) add('status = ?', filter.status);
  if (filter.namespace !== undefined) add('namespace = ?', filter.namespace);
  if (filter.trigger_type !== undefined) add('trigger_type = ?', filter.trigger_type);
  if (filter.retried) add('retried_at IS NOT NULL');
  if (filter.since !== undefined) add('created_at >= ?', filter.since);
  if (filter.until !== undefined) add('created_at < ?', filter.until);
  if (filter.error !== undefined) add("LOWER(last_error) LIKE ? ESCAPE '\\'", `%${escapeLike(filter.error.toLowerCase())}%`);
  if (before) add('(created_at < ? OR (created_at = ? AND id < ?))', before.created_at, before.created_at, before.id);
  const sql = `SELECT ${EXECUTION_COLUMNS} FROM executions ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
ORDER BY created_at DESC, id DESC LIMIT ?`;
  return { sql, params: [...params, limit] };
}

/** The latest execution of each job named, each read from the (job_id, created_at, id) index. */
export const lastExecutionsQuery = (count: number) => `
SELECT j.id AS job_id,
  (SELECT e.status FROM executions e WHERE e.job_id = j.id ORDER BY e.created_at DESC, e.id DESC LIMIT 1) AS status
FROM jobs j WHERE j.id IN (${Array.from({ length: count }, () => '?').join(', ')})`;

/** `%`, `_` and `\` in a searched text match themselves. */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);
