/** The SQL of listing executions across jobs, each filter a clause with its own parameters. */
import { EXECUTION_COLUMNS } from './queries.js';
import type { ExecutionCursor, ExecutionFilter } from './store.js';

/**
 * At most how many executions one page of a listing examines when some of its filters are checked
 * row by row: a filter that rarely matches then answers a short (even empty) page with a cursor to
 * search on from, instead of reading the whole table in one request.
 */
export const SCAN_LIMIT = 5000;

type Clause = { sql: string; params: unknown[] };

/** One listing: its query, and when some filters are checked row by row, the query for the last row it examined. */
export interface ExecutionsListing {
  sql: string;
  params: unknown[];
  /** The SCAN_LIMIT-th row walked, if there is one: where a short page's cursor points. */
  boundary?: Clause;
}

/**
 * Executions newest first, after the cursor, matching every filter given. One filter leads: the
 * index of (its column, created_at, id) is walked in order — job, else retried (a partial index),
 * else namespace, else status, else (created_at, id) alone — with the time range and cursor. Any
 * other filter is checked on the rows walked, of which at most SCAN_LIMIT are read a page.
 */
export function findExecutionsQuery(filter: ExecutionFilter, limit: number, before?: ExecutionCursor): ExecutionsListing {
  const { lead, rest } = split(filter);
  const walk: Clause[] = [...lead];
  if (filter.since !== undefined) walk.push({ sql: 'created_at >= ?', params: [filter.since] });
  if (filter.until !== undefined) walk.push({ sql: 'created_at < ?', params: [filter.until] });
  // After the cursor: a plain range on created_at (which a `since` narrows further), then the tie on id.
  if (before) walk.push({ sql: 'created_at <= ? AND (created_at < ? OR id < ?)', params: [before.created_at, before.created_at, before.id] });
  const walked = where(walk);
  if (rest.length === 0) {
    return { sql: `SELECT ${EXECUTION_COLUMNS} FROM executions ${walked.sql} ${NEWEST_FIRST} LIMIT ?`, params: [...walked.params, limit] };
  }
  const checked = where(rest);
  // The walk is read in order and stops as soon as `limit` rows passed the checks: the bound is
  // reached only by a search that rarely matches. (Named as the table, so the columns read alike.)
  return {
    sql: `SELECT ${EXECUTION_COLUMNS}
FROM (SELECT * FROM executions ${walked.sql} ${NEWEST_FIRST} LIMIT ${SCAN_LIMIT}) executions
${checked.sql} ${NEWEST_FIRST} LIMIT ?`,
    params: [...walked.params, ...checked.params, limit],
    boundary: { sql: `SELECT created_at, id FROM executions ${walked.sql} ${NEWEST_FIRST} LIMIT 1 OFFSET ${SCAN_LIMIT - 1}`, params: walked.params },
  };
}

const NEWEST_FIRST = 'ORDER BY created_at DESC, id DESC';

/** The filter whose index leads the walk, and the filters checked on the rows walked. */
function split(filter: ExecutionFilter): { lead: Clause[]; rest: Clause[] } {
  const indexed: Array<[boolean, Clause]> = [
    [filter.job_id !== undefined, { sql: 'job_id = ?', params: [filter.job_id] }],
    [filter.retried === true, { sql: 'retried_at IS NOT NULL', params: [] }],
    [filter.namespace !== undefined, { sql: 'namespace = ?', params: [filter.namespace] }],
    [filter.status !== undefined, { sql: 'status = ?', params: [filter.status] }],
  ];
  const given = indexed.filter(([on]) => on).map(([, clause]) => clause);
  const rest = given.slice(1);
  if (filter.trigger_type !== undefined) rest.push({ sql: 'trigger_type = ?', params: [filter.trigger_type] });
  if (filter.error !== undefined) rest.push({ sql: "LOWER(last_error) LIKE ? ESCAPE '\\'", params: [`%${escapeLike(filter.error.toLowerCase())}%`] });
  return { lead: given.slice(0, 1), rest };
}

function where(clauses: Clause[]): Clause {
  if (clauses.length === 0) return { sql: '', params: [] };
  return { sql: `WHERE ${clauses.map((c) => c.sql).join(' AND ')}`, params: clauses.flatMap((c) => c.params) };
}

/** The latest execution of each job named, each read from the (job_id, created_at, id) index. */
export const lastExecutionsQuery = (count: number) => `
SELECT j.id AS job_id,
  (SELECT e.status FROM executions e WHERE e.job_id = j.id ORDER BY e.created_at DESC, e.id DESC LIMIT 1) AS status
FROM jobs j WHERE j.id IN (${Array.from({ length: count }, () => '?').join(', ')})`;

/** `%`, `_` and `\` in a searched text match themselves. */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);
