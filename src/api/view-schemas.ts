import { z } from 'zod';
import { jobSchema } from '../jobs/job-schema.js';
import { webhookTriggerSchema } from '../hooks/trigger-schema.js';
import { endpointSchema } from '../endpoints/endpoint-schema.js';
import { ERROR_CODES } from '../http/outcome.js';

/**
 * What the API answers with, as zod schemas: the API document is made from these and from the
 * schemas that check requests, and the test suite checks every answer it gets against them.
 */

export const time = z.iso.datetime({ offset: true });
export const timeOrNull = time.nullable();
export const RUN_STATUSES = ['pending', 'blocked', 'held', 'running', 'retrying', 'succeeded', 'failed', 'skipped'] as const;
const EXECUTION_STATUSES = ['pending', 'running', 'retrying', 'succeeded', 'failed'] as const;

export const errorView = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'What went wrong, for programs: INVALID_INPUT, NOT_FOUND, CONFLICT, UNAUTHORIZED, ...' }),
      message: z.string().meta({ description: 'What went wrong, for people: names the field and what was expected.' }),
      field: z.string().optional().meta({ description: 'The field, parameter or header at fault, as a dotted path.' }),
    }),
  })
  .meta({ id: 'Error', example: { error: { code: 'INVALID_INPUT', message: 'webhook.timeout: expected a duration like "30s", got a number', field: 'webhook.timeout' } } });

/** A page of a list: `next_cursor` is given back as `?cursor=` for the next page, null on the last. */
export const pageOf = (item: z.ZodType, id: string) =>
  z.object({ items: z.array(item), next_cursor: z.string().nullable() }).meta({ id, description: `A page of ${id.replace(/Page$/, '')} items, newest or first first.` });

const triggerView = webhookTriggerSchema.extend({
  enabled: z.boolean(),
  hook_id: z.string().optional().meta({ description: 'The hook this trigger made (see /api/v1/hooks).' }),
  url: z.string().meta({ description: 'The secret URL that starts the job; its key shows as *** except in the answer that made it.' }),
});

export const jobView = jobSchema
  .extend({
    id: z.string(),
    name: z.string(),
    triggers: z.array(triggerView).optional(),
    enabled: z.boolean(),
    next_run_at: timeOrNull.meta({ description: 'When the schedule fires next; null when the job has none or is paused.' }),
    last_run_at: timeOrNull,
    last_status: z.enum(RUN_STATUSES).nullable().meta({ description: "How the job's latest execution stands; null when it never ran." }),
    created_at: time,
    updated_at: time,
  })
  .meta({ id: 'Job', description: 'A job as the API shows it: every secret as ***; it can be sent back as it is.' });

export const endpointHealthView = z
  .object({
    state: z.enum(['active', 'paused', 'disabled']).meta({ description: 'active takes deliveries; paused (by hand) and disabled (410 Gone, or failing too long) keep them held.' }),
    reason: z.string().nullable().meta({ description: 'Why it is paused or disabled.' }),
    since: timeOrNull.meta({ description: 'When it last changed state.' }),
    failure_streak: z.number().int().meta({ description: 'Deliveries failed in a row.' }),
    failing_since: timeOrNull.meta({ description: 'When the streak began.' }),
    circuit: z.enum(['closed', 'open']).meta({ description: 'open: deliveries wait, one probe at a time tests the endpoint.' }),
    next_probe_at: timeOrNull,
  })
  .meta({ id: 'EndpointHealth', description: 'How an endpoint stands with the events it receives.' });

export const endpointView = endpointSchema.in
  .extend({ health: endpointHealthView, created_at: time, updated_at: time })
  .meta({ id: 'Endpoint', description: 'A named endpoint, every secret as ***, and its health.' });

const jsonValue = z.unknown().meta({ description: 'Any JSON value.' });
const headers = z.record(z.string(), z.string());

export const attemptView = z
  .object({
    task: z.string().optional().meta({ description: 'The task this attempt was of.' }),
    notification: z.number().int().optional().meta({ description: 'The notify entry (index) this attempt delivered to.' }),
    endpoint: z.string().nullable().meta({ description: 'The endpoint the call went through, when its webhook named one.' }),
    attempt: z.number().int(),
    started_at: time,
    duration_ms: z.number().int(),
    status_code: z.number().int().nullable(),
    error_code: z
      .enum(Object.values(ERROR_CODES) as [string, ...string[]])
      .nullable()
      .meta({ description: 'Why the attempt did not succeed, when it did not; null for an answer that was judged on its status alone.' }),
    error: z.string().nullable(),
    request: z
      .object({ method: z.string(), url: z.string(), headers, body: z.string().optional(), body_truncated: z.literal(true).optional() })
      .meta({ description: 'What was sent, secrets as ***; the body cut at 64 KiB.' }),
    response_headers: headers.nullable(),
    response_body: z.string().nullable(),
    response_body_truncated: z.boolean(),
    response_body_encoding: z.literal('base64').optional().meta({ description: 'Present when the answer was not text (invalid UTF-8, or NUL bytes): response_body is the base64 of its bytes.' }),
  })
  .meta({ id: 'Attempt', description: 'One HTTP call: what was sent (secrets as ***) and what came back.' });

const taskRunView = z.object({
  name: z.string(),
  depends_on: z.array(z.string()).meta({ description: 'The tasks it ran after.' }),
  status: z.enum(RUN_STATUSES),
  attempts: z.number().int(),
  max_attempts: z.number().int(),
  started_at: timeOrNull,
  finished_at: timeOrNull,
  duration_ms: z.number().int().nullable(),
  last_error: z.string().nullable(),
  next_attempt_at: timeOrNull,
});

const notificationView = z.object({
  notify: z.number().int(),
  event: z.string().nullable(),
  task: z.string().nullable(),
  status: z.enum(RUN_STATUSES),
  attempts: z.number().int(),
  last_error: z.string().nullable(),
  next_attempt_at: timeOrNull,
});

export const executionView = z
  .object({
    id: z.string(),
    job_id: z.string(),
    namespace: z.string(),
    status: z.enum(EXECUTION_STATUSES),
    attempts: z.number().int(),
    last_error: z.string().nullable(),
    request: jsonValue.meta({ description: 'The last request made, secrets as ***.' }),
    response: jsonValue.meta({ description: 'The last response received.' }),
    trigger: z
      .object({
        type: z.enum(['schedule', 'webhook', 'manual', 'test', 'event']),
        hook: z.string().optional(),
        test: z.literal(true).optional(),
        body: jsonValue,
        headers: headers.optional(),
        parameters: z.record(z.string(), z.unknown()).optional(),
      })
      .meta({ description: 'What started the execution, and the data it brought.' }),
    scheduled_time: timeOrNull,
    created_at: timeOrNull,
    started_at: timeOrNull,
    finished_at: timeOrNull,
    retried_at: timeOrNull.meta({ description: 'When it was last run again by hand (POST .../retry), if it was.' }),
    next_attempt_at: timeOrNull,
    tasks: z.array(taskRunView).optional(),
    notifications: z.array(notificationView).optional(),
    attempt_log: z.array(attemptView).optional().meta({ description: 'Every attempt, oldest first (one execution only, not in lists).' }),
  })
  .meta({ id: 'Execution' });

export const triggeredView = z
  .object({ id: z.string(), job_id: z.string(), namespace: z.string(), status: z.enum(EXECUTION_STATUSES), url: z.string() })
  .meta({ id: 'Triggered', description: 'The execution a trigger started (or, with an Idempotency-Key seen before, the one it started then).' });

export const tickView = z
  .object({
    scheduled_for: time,
    status: z.enum(['fired', 'skipped_overlap', 'missed']),
    execution_id: z.string().nullable(),
    missed_until: time.optional(),
    missed_count: z.number().int().optional(),
    recorded_at: time,
  })
  .meta({ id: 'Tick', description: 'One time the schedule came due: fired, skipped because a run was still going, or missed.' });

export const hookView = z
  .object({
    id: z.string(),
    job_id: z.string(),
    namespace: z.string(),
    trigger_id: z.string(),
    url: z.string(),
    status: z.enum(['active', 'disabled']),
    disabled_reason: z.string().nullable(),
    stopAfter: z.array(z.string()),
    created_at: timeOrNull,
    updated_at: timeOrNull,
    last_triggered_at: timeOrNull,
  })
  .meta({ id: 'Hook', description: 'An inbound webhook URL that starts a job.' });

const executionLink = z.object({ id: z.string(), status: z.string().nullable(), url: z.string() });

export const invocationView = z
  .object({
    id: z.string(),
    hook_id: z.string(),
    received_at: time,
    source_ip: z.string().nullable(),
    method: z.string(),
    query: z.string().nullable(),
    headers,
    body: z.string().nullable(),
    body_size: z.number().int(),
    body_truncated: z.boolean(),
    result: z.enum(['accepted', 'filtered', 'rejected', 'rate_limited']),
    reason: z.string().nullable(),
    status_code: z.number().int(),
    test: z.boolean(),
    execution: executionLink.nullable(),
  })
  .meta({ id: 'Invocation', description: 'One call to a hook: what came in (secrets taken out), how it was judged and answered.' });

export const hookTestView = z
  .object({
    result: z.enum(['accepted', 'filtered']),
    reason: z.string().nullable(),
    execution: z.object({ id: z.string(), namespace: z.string(), job: z.string(), state: z.string(), url: z.string() }).nullable(),
  })
  .meta({ id: 'HookTestResult' });

export const webhookTestView = z
  .object({
    success: z.boolean(),
    status_code: z.number().int(),
    response_headers: z.record(z.string(), z.string()).optional().meta({ description: 'With `?response_headers=true`: the answer\'s headers (secrets as `***`); empty when nothing answered.' }),
    response_body: z.string(),
    response_body_encoding: z.literal('base64').optional().meta({ description: 'Present when the answer was not text: response_body is the base64 of its bytes.' }),
    duration_ms: z.number(),
  })
  .meta({ id: 'WebhookTestResult', description: 'How the one call went.' });

export const hookCallView = z
  .object({
    id: z.string(),
    namespace: z.string(),
    job: z.string(),
    url: z.string(),
    state: z.enum(['pending', ...EXECUTION_STATUSES, 'unknown']),
    attempts: z.number().int().optional(),
    last_error: z.string().nullable().optional(),
    response: jsonValue.optional(),
  })
  .meta({ id: 'HookCallResult', description: 'The execution a hook call started; with `wait`, how it ended.' });

export const schedulePreviewView = z
  .object({ next: z.array(time).meta({ description: 'The next ticks, soonest first; fewer when the schedule ends (a one-shot).' }) })
  .meta({ id: 'SchedulePreview' });

const outcomeCounts = { success: z.number().int(), http_4xx: z.number().int(), http_5xx: z.number().int(), timeout: z.number().int(), connection: z.number().int(), other: z.number().int() };

export const overviewView = z
  .object({
    window: z.enum(['1h', '24h']),
    bucket_seconds: z.number().int(),
    buckets: z.array(z.object({ at: time, ...outcomeCounts })).meta({ description: 'Attempts per bucket and outcome, oldest first.' }),
    attempts: z.number().int(),
    success_rate: z.number().nullable(),
    duration_ms: z
      .object({ p50: z.number().nullable(), p99: z.number().nullable() })
      .meta({ description: 'Delivery times: the histogram bound (ms) under which half and 99% of the attempts took.' }),
    backlog: z.object({ due: z.number().int(), oldest_due_age_seconds: z.number() }),
    failing_jobs: z.array(z.object({ job_id: z.string(), failures: z.number().int() })),
    failing_endpoints: z
      .array(z.object({ endpoint: z.string(), failures: z.number().int() }))
      .meta({ description: 'The endpoints whose attempts failed most in the window.' }),
    next_runs: z.array(z.object({ job_id: z.string(), at: time })),
  })
  .meta({ id: 'Overview' });

export const endpointAttemptView = z
  .object({
    id: z.string(),
    execution_id: z.string(),
    job_id: z.string(),
    task: z.string().optional().meta({ description: 'The task this attempt was of.' }),
    notification: z.number().int().optional().meta({ description: 'The notify entry (index) this attempt delivered to.' }),
    event: z.string().optional().meta({ description: 'The event this attempt delivered (its id).' }),
    attempt: z.number().int(),
    started_at: time,
    duration_ms: z.number().int(),
    succeeded: z.boolean(),
    status_code: z.number().int().nullable(),
    error_code: z.string().nullable(),
    error: z.string().nullable(),
  })
  .meta({ id: 'EndpointAttempt', description: 'One attempt made through an endpoint; the execution holds its request and response.' });

export const endpointStatsView = z
  .object({
    window: z.enum(['1h', '24h']),
    attempts: z.number().int(),
    succeeded: z.number().int(),
    failed: z.number().int(),
    success_rate: z.number().nullable().meta({ description: 'Succeeded over attempts; null when there were none.' }),
    last_attempt_at: timeOrNull,
    last_success_at: timeOrNull,
    bucket_ms: z.number().int().meta({ description: 'The length of each bucket: a minute over the hour, a quarter hour over the day.' }),
    buckets: z
      .array(z.object({ at: time, attempts: z.number().int(), succeeded: z.number().int(), success_rate: z.number() }))
      .meta({ description: 'Each bucket of the window with attempts, oldest first: the success rate over time.' }),
  })
  .meta({ id: 'EndpointStats', description: "How the attempts through an endpoint went over the window." });

export const healthView = z.object({ status: z.enum(['ok', 'starting']) }).meta({ id: 'Health' });
