import { badRequest } from '../errors.js';
import { RFC3339 } from '../scheduler/schedule-schema.js';
import type { ExecutionFilter, RunStatus } from '../store/store.js';

const STATUSES: readonly RunStatus[] = ['pending', 'running', 'retrying', 'succeeded', 'failed'];
const TRIGGERS = ['schedule', 'webhook', 'manual'] as const;
const PARAMETERS = ['status', 'job', 'namespace', 'trigger', 'since', 'until', 'error', 'limit', 'cursor'];
const MAX_TEXT = 256;

/**
 * The filters of an executions listing, from its query: `status`, `job`, `namespace`, `trigger`,
 * `since` and `until` (RFC 3339), `error` (text its last error holds). A value that is not one of
 * those known, or a parameter that is not one of these, is a 400 naming it: never ignored.
 */
export function readExecutionFilter(query: Record<string, string | string[] | undefined>, fixed: ExecutionFilter = {}): ExecutionFilter {
  for (const [name, value] of Object.entries(query)) {
    if (!PARAMETERS.includes(name) || (name === 'job' && fixed.job_id !== undefined)) throw badRequest(`${name} is not a filter of this list; filters: ${PARAMETERS.filter((p) => !(p === 'job' && fixed.job_id)).join(', ')}`, name);
    if (typeof value !== 'string') throw badRequest(`${name} may be given once`, name);
    if (value.length > MAX_TEXT) throw badRequest(`${name} is longer than ${MAX_TEXT} characters`, name);
  }
  const q = query as Record<string, string | undefined>;
  const filter: ExecutionFilter = { ...fixed };
  if (q.status !== undefined) filter.status = oneOf('status', q.status, STATUSES);
  if (q.trigger !== undefined) filter.trigger_type = oneOf('trigger', q.trigger, TRIGGERS);
  if (q.job !== undefined) filter.job_id = q.job;
  if (q.namespace !== undefined) filter.namespace = q.namespace;
  if (q.since !== undefined) filter.since = time('since', q.since);
  if (q.until !== undefined) filter.until = time('until', q.until);
  if (q.error !== undefined) filter.error = q.error;
  return filter;
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw badRequest(`${name} must be one of ${allowed.join(', ')}`, name);
  return value as T;
}


function time(name: string, value: string): number {
  const at = RFC3339.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(at)) throw badRequest(`${name} must be an RFC 3339 time such as 2026-12-01T09:00:00Z`, name);
  return at;
}
