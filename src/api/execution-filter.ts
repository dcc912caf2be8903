import { z } from 'zod';
import { RFC3339 } from '../scheduler/schedule-schema.js';
import type { ExecutionFilter, RunStatus } from '../store/store.js';
import { pageQuery, queryChoice, queryText } from './query.js';

const STATUSES: [RunStatus, ...RunStatus[]] = ['pending', 'running', 'retrying', 'succeeded', 'failed'];
/** How executions started; `retry` lists those run again by hand, however they started. */
const TRIGGERS = ['schedule', 'webhook', 'manual', 'retry'] as const;

const time = z
  .string()
  .refine((v) => RFC3339.test(v) && !Number.isNaN(Date.parse(v)), 'must be an RFC 3339 time such as 2026-12-01T09:00:00Z')
  .transform((v) => Date.parse(v));

/** The filters of one job's executions: `status`, `namespace`, `trigger`, `since`, `until`, `error`. */
export const jobExecutionsQuery = z.object({
  status: queryChoice(STATUSES).optional().meta({ description: 'Only executions that stand so.' }),
  namespace: queryText.optional().meta({ description: 'Only executions of jobs in this namespace.' }),
  trigger: queryChoice(TRIGGERS).optional().meta({ description: 'Only executions started so; `retry`: those run again by hand.' }),
  since: time.optional().meta({ description: 'Only executions created at or after this RFC 3339 time.', example: '2026-12-01T09:00:00Z' }),
  until: time.optional().meta({ description: 'Only executions created before this RFC 3339 time.', example: '2026-12-02T09:00:00Z' }),
  error: queryText.optional().meta({ description: 'Only executions whose last error holds this text.' }),
  ...pageQuery,
});

/** Every job's executions take a `job` filter too. */
export const executionsQuery = jobExecutionsQuery.extend({ job: queryText.optional().meta({ description: "Only this job's executions." }) });

export type ExecutionsQuery = z.output<typeof executionsQuery>;

/** The store's filter for a parsed query; `fixed` holds what the route's path sets (the job). */
export function executionFilter(query: ExecutionsQuery, fixed: ExecutionFilter = {}): ExecutionFilter {
  const filter: ExecutionFilter = { ...fixed };
  if (query.status !== undefined) filter.status = query.status;
  if (query.trigger === 'retry') filter.retried = true;
  else if (query.trigger !== undefined) filter.trigger_type = query.trigger;
  if (query.job !== undefined) filter.job_id = query.job;
  if (query.namespace !== undefined) filter.namespace = query.namespace;
  if (query.since !== undefined) filter.since = query.since;
  if (query.until !== undefined) filter.until = query.until;
  if (query.error !== undefined) filter.error = query.error;
  return filter;
}
