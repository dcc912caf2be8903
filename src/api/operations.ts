import { z } from 'zod';
import { jobSchema } from '../jobs/job-schema.js';
import { endpointSchema } from '../endpoints/endpoint-schema.js';
import { endpointStatsQuery } from '../endpoints/endpoint-attempts-routes.js';
import { hookPatchSchema, hooksQuery, hookTestSchema, invocationsQuery } from '../hooks/hooks-routes.js';
import { dryRunQuery, RESULT_HEADER } from './apply-result.js';
import { executionsQuery, jobExecutionsQuery } from './execution-filter.js';
import { jobsQuery } from './jobs-routes.js';
import { pageOnlyQuery } from './query.js';
import { SCAN_LIMIT } from '../store/execution-queries.js';
import { webhookTestQuery, webhookTestSchema } from './webhook-test-route.js';
import { schedulePreviewSchema } from './schedule-preview-route.js';
import { overviewQuery } from './overview-route.js';
import * as views from './view-schemas.js';
import { eventOperations } from './event-operations.js';
import { inspectorOperations } from './inspector-operations.js';

/**
 * Every route of the API, as the OpenAPI document shows it: its parameters, the schemas that check
 * its query and body, and each answer it can give. A test checks that the server's routes and these
 * are the same, and that every answer the test suite receives matches its entry here.
 */
export interface Operation {
  id: string;
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  tag: 'Jobs' | 'Executions' | 'Endpoints' | 'Events' | 'Hooks' | 'Inspector' | 'Operations';
  summary: string;
  description?: string;
  /** Path parameters, each with what it names. */
  params?: Record<string, string>;
  query?: z.ZodObject;
  body?: { schema: z.ZodType; required: boolean; example?: unknown; yaml?: boolean; name?: string };
  responses: Record<number, Answer>;
  /** `token`: the API token when one is configured (the default); `none`: open to all. */
  auth?: 'token' | 'none';
}

export interface Answer {
  description: string;
  schema?: z.ZodType;
  /** A content type other than JSON, e.g. Prometheus' text. */
  contentType?: string;
  headers?: Record<string, string>;
}

const ok = (schema: z.ZodType, description = 'OK'): Answer => ({ description, schema });
const refused = (description: string): Answer => ({ description, schema: views.errorView });
const BAD_INPUT = refused('The input is wrong: the error names the field and what was expected.');
const notFound = (what: string) => refused(`There is no such ${what}.`);
const PUT_RESULT = { [RESULT_HEADER]: 'What the PUT did or, with dry_run, would do: created, configured or unchanged.' };

const JOB_EXAMPLE = {
  id: 'nightly-report',
  namespace: 'reports',
  schedule: { cron: '0 2 * * *', timezone: 'Europe/Paris' },
  webhook: { url: 'https://example.com/reports', method: 'POST', body: { report: 'nightly', at: '{{.ScheduledTime}}' }, timeout: '30s' },
  retry_policy: { max_attempts: 5, initial_interval: '10s' },
};
const ENDPOINT_EXAMPLE = { name: 'billing', url: 'https://example.com/billing', auth: { type: 'bearer', token: 'a-token' }, timeout: '10s' };

const job = { id: 'The job id.' };
const jobAndExecution = { id: 'The job id.', execution: 'The execution id.' };
const hook = { id: 'The hook id.' };
const endpoint = { name: 'The endpoint name.' };

const SEARCH_BOUND =
  'One filter is answered from an index (job, else `trigger=retry`, else namespace, else status); the others are checked on the executions it walks, ' +
  `of which one page examines at most ${SCAN_LIMIT}. A search that rarely matches may so answer fewer items than \`limit\`, even none, with a ` +
  '`next_cursor` to search on from: follow it until it is null.';

const jobOperations: Operation[] = [
  { id: 'listJobs', method: 'get', path: '/api/v1/jobs', tag: 'Jobs', summary: 'List jobs', query: jobsQuery, responses: { 200: ok(views.pageOf(views.jobView, 'JobPage')), 400: BAD_INPUT } },
  {
    id: 'createJob', method: 'post', path: '/api/v1/jobs', tag: 'Jobs', summary: 'Create a job',
    description: 'A job makes one call (`webhook`) or several (`tasks`), on a schedule, by hand or from its inbound webhook `triggers`. Hook keys made for it are shown in this answer only.',
    body: { schema: jobSchema, name: 'JobInput', required: true, example: JOB_EXAMPLE, yaml: true },
    responses: { 201: { ...ok(views.jobView, 'Created'), headers: { location: 'The URL of the job.' } }, 400: BAD_INPUT, 409: refused('A job with this id exists; PUT replaces it.') },
  },
  { id: 'getJob', method: 'get', path: '/api/v1/jobs/{id}', tag: 'Jobs', summary: 'Get a job', params: job, responses: { 200: ok(views.jobView), 404: notFound('job') } },
  {
    id: 'putJob', method: 'put', path: '/api/v1/jobs/{id}', tag: 'Jobs', summary: 'Create or replace a job', params: job, query: dryRunQuery,
    description: 'A secret sent as `***` keeps the stored one. A job that would not change is not written.',
    body: { schema: jobSchema, name: 'JobInput', required: true, example: JOB_EXAMPLE, yaml: true },
    responses: { 200: { ...ok(views.jobView, 'Replaced, unchanged, or checked (dry_run)'), headers: PUT_RESULT }, 201: { ...ok(views.jobView, 'Created'), headers: PUT_RESULT }, 400: BAD_INPUT },
  },
  { id: 'deleteJob', method: 'delete', path: '/api/v1/jobs/{id}', tag: 'Jobs', summary: 'Delete a job and its executions', params: job, responses: { 204: { description: 'Deleted' }, 404: notFound('job') } },
  {
    id: 'triggerJob', method: 'post', path: '/api/v1/jobs/{id}/trigger', tag: 'Jobs', summary: 'Run a job now',
    description: 'The body, any JSON, is the trigger data its templates read as `{{ trigger.body }}`. An `Idempotency-Key` seen before answers the execution it started then.',
    params: job, body: { schema: z.unknown(), required: false, example: { invoice: 'INV-1' } },
    responses: { 202: { ...ok(views.triggeredView, 'Started'), headers: { location: 'The URL of the execution.', 'idempotent-replayed': 'true when an earlier request with this Idempotency-Key started it.' } }, 400: BAD_INPUT, 404: notFound('job') },
  },
  { id: 'pauseJob', method: 'post', path: '/api/v1/jobs/{id}/pause', tag: 'Jobs', summary: "Pause a job's schedule", params: job, responses: { 200: ok(views.jobView), 404: notFound('job') } },
  { id: 'resumeJob', method: 'post', path: '/api/v1/jobs/{id}/resume', tag: 'Jobs', summary: "Resume a job's schedule from now", params: job, responses: { 200: ok(views.jobView), 404: notFound('job') } },
  {
    id: 'previewSchedule', method: 'post', path: '/api/v1/schedules/preview', tag: 'Jobs', summary: "A schedule's next ticks",
    description: 'As the scheduler would fire them from now: time zone and daylight saving time included.',
    body: { schema: schedulePreviewSchema, required: true, example: { schedule: { cron: '30 2 * * *', timezone: 'Europe/Berlin' }, count: 5 } },
    responses: { 200: ok(views.schedulePreviewView), 400: BAD_INPUT },
  },
  { id: 'listTicks', method: 'get', path: '/api/v1/jobs/{id}/ticks', tag: 'Jobs', summary: "List a job's schedule ticks", params: job, query: pageOnlyQuery, responses: { 200: ok(views.pageOf(views.tickView, 'TickPage')), 400: BAD_INPUT, 404: notFound('job') } },
];

/** A hook's URL takes GET, POST and PUT alike. */
const hookCall: Operation = {
  id: 'callHook', method: 'post', path: '/api/v1/executions/webhook/{namespace}/{job}/{key}', tag: 'Hooks', summary: 'Start a job from its secret webhook URL', auth: 'none',
  description: "Kestra's webhook URL: GET, POST and PUT are taken. The body (any type) is the trigger data. The hook's secret, signature, conditions and rate limits apply; `?wait=true` holds the answer until the execution ends.",
  params: { namespace: "The job's namespace.", job: 'The job id.', key: "The trigger's key." },
  body: { schema: z.unknown(), required: false, example: { action: 'opened' } },
  responses: {
    200: ok(views.hookCallView, 'Started (or, with wait, succeeded)'),
    202: ok(views.hookCallView, 'With wait: still running at the deadline'),
    204: { description: 'A condition was false: nothing started.' },
    400: BAD_INPUT,
    401: refused('The secret or signature is missing or wrong.'),
    403: refused('The hook is disabled.'),
    404: notFound('hook'),
    413: refused('The body is over the hook body limit.'),
    429: { ...refused('Over a rate limit.'), headers: { 'retry-after': 'Seconds until the window ends.' } },
    502: ok(views.hookCallView, 'With wait: the execution failed'),
  },
};
const { body: _noBody, ...hookCallGet } = hookCall;

const executionOperations: Operation[] = [
  {
    id: 'listExecutions', method: 'get', path: '/api/v1/executions', tag: 'Executions', summary: 'List executions of every job, newest first', query: executionsQuery,
    description: SEARCH_BOUND, responses: { 200: ok(views.pageOf(views.executionView, 'ExecutionPage')), 400: BAD_INPUT },
  },
  { id: 'getExecutionById', method: 'get', path: '/api/v1/executions/{execution}', tag: 'Executions', summary: 'Get an execution with its tasks and every attempt', params: { execution: 'The execution id.' }, responses: { 200: ok(views.executionView), 404: notFound('execution') } },
  {
    id: 'listJobExecutions', method: 'get', path: '/api/v1/jobs/{id}/executions', tag: 'Executions', summary: "List a job's executions, newest first", params: job, query: jobExecutionsQuery,
    description: SEARCH_BOUND,
    responses: { 200: ok(views.pageOf(views.executionView, 'ExecutionPage')), 400: BAD_INPUT, 404: notFound('job') } },
  { id: 'getExecution', method: 'get', path: '/api/v1/jobs/{id}/executions/{execution}', tag: 'Executions', summary: "Get one of a job's executions", params: jobAndExecution, responses: { 200: ok(views.executionView), 404: notFound('execution') } },
  {
    id: 'retryExecution', method: 'post', path: '/api/v1/jobs/{id}/executions/{execution}/retry', tag: 'Executions', summary: 'Run the failed and skipped tasks of an ended execution again',
    params: jobAndExecution, responses: { 202: ok(views.executionView, 'Running again'), 404: notFound('execution'), 409: refused('The execution has not ended, or nothing in it failed.') },
  },
  hookCall,
  { ...hookCallGet, id: 'callHookGet', method: 'get', summary: 'Start a job from its secret webhook URL (GET)' },
  { ...hookCall, id: 'callHookPut', method: 'put', summary: 'Start a job from its secret webhook URL (PUT)' },
];

const endpointOperations: Operation[] = [
  { id: 'listEndpoints', method: 'get', path: '/api/v1/endpoints', tag: 'Endpoints', summary: 'List endpoints', query: pageOnlyQuery, responses: { 200: ok(views.pageOf(views.endpointView, 'EndpointPage')), 400: BAD_INPUT } },
  {
    id: 'createEndpoint', method: 'post', path: '/api/v1/endpoints', tag: 'Endpoints', summary: 'Create an endpoint', body: { schema: endpointSchema, name: 'EndpointInput', required: true, example: ENDPOINT_EXAMPLE, yaml: true },
    responses: { 201: { ...ok(views.endpointView, 'Created'), headers: { location: 'The URL of the endpoint.' } }, 400: BAD_INPUT, 409: refused('An endpoint with this name exists.') },
  },
  { id: 'getEndpoint', method: 'get', path: '/api/v1/endpoints/{name}', tag: 'Endpoints', summary: 'Get an endpoint', params: endpoint, responses: { 200: ok(views.endpointView), 404: notFound('endpoint') } },
  {
    id: 'putEndpoint', method: 'put', path: '/api/v1/endpoints/{name}', tag: 'Endpoints', summary: 'Create or replace an endpoint', params: endpoint, query: dryRunQuery,
    body: { schema: endpointSchema, name: 'EndpointInput', required: true, example: ENDPOINT_EXAMPLE, yaml: true },
    responses: { 200: { ...ok(views.endpointView, 'Replaced, unchanged, or checked (dry_run)'), headers: PUT_RESULT }, 201: { ...ok(views.endpointView, 'Created'), headers: PUT_RESULT }, 400: BAD_INPUT },
  },
  {
    id: 'listEndpointAttempts', method: 'get', path: '/api/v1/endpoints/{name}/attempts', tag: 'Endpoints', summary: 'List the attempts made through an endpoint, newest first',
    params: endpoint, query: pageOnlyQuery, responses: { 200: ok(views.pageOf(views.endpointAttemptView, 'EndpointAttemptPage')), 400: BAD_INPUT, 404: notFound('endpoint') },
  },
  {
    id: 'getEndpointStats', method: 'get', path: '/api/v1/endpoints/{name}/stats', tag: 'Endpoints', summary: "How an endpoint's attempts went over the last hour or day",
    params: endpoint, query: endpointStatsQuery, responses: { 200: ok(views.endpointStatsView), 400: BAD_INPUT, 404: notFound('endpoint') },
  },
  { id: 'deleteEndpoint', method: 'delete', path: '/api/v1/endpoints/{name}', tag: 'Endpoints', summary: 'Delete an endpoint no job names', params: endpoint, responses: { 204: { description: 'Deleted' }, 404: notFound('endpoint'), 409: refused('Jobs name the endpoint; the error lists them.') } },
  {
    id: 'testWebhook', method: 'post', path: '/api/v1/webhooks/test', tag: 'Endpoints', summary: 'Make one call with a webhook config, now, without a job',
    query: webhookTestQuery,
    body: { schema: webhookTestSchema, required: true, example: { webhook: { url: 'https://example.com/ping', method: 'POST', body: { ping: true } } } },
    responses: { 200: ok(views.webhookTestView), 400: BAD_INPUT },
  },
];

const hookOperations: Operation[] = [
  { id: 'listHooks', method: 'get', path: '/api/v1/hooks', tag: 'Hooks', summary: 'List hooks', query: hooksQuery, responses: { 200: ok(views.pageOf(views.hookView, 'HookPage')), 400: BAD_INPUT } },
  { id: 'getHook', method: 'get', path: '/api/v1/hooks/{id}', tag: 'Hooks', summary: 'Get a hook', params: hook, responses: { 200: ok(views.hookView), 404: notFound('hook') } },
  { id: 'setHook', method: 'patch', path: '/api/v1/hooks/{id}', tag: 'Hooks', summary: 'Enable or disable a hook', params: hook, body: { schema: hookPatchSchema, required: true, example: { enabled: false } }, responses: { 200: ok(views.hookView), 400: BAD_INPUT, 404: notFound('hook') } },
  {
    id: 'testHook', method: 'post', path: '/api/v1/hooks/{id}/test', tag: 'Hooks', summary: 'Send a test event through a hook',
    description: 'The API token stands in for the secret and signature; rate limits and the enabled switch do not apply. Conditions do.',
    params: hook, body: { schema: hookTestSchema, required: false, example: { body: { action: 'opened' } } },
    responses: { 200: ok(views.hookTestView), 400: BAD_INPUT, 404: notFound('hook') },
  },
  { id: 'listInvocations', method: 'get', path: '/api/v1/hooks/{id}/invocations', tag: 'Hooks', summary: "List a hook's calls, newest first", params: hook, query: invocationsQuery, responses: { 200: ok(views.pageOf(views.invocationView, 'InvocationPage')), 400: BAD_INPUT, 404: notFound('hook') } },
];

const serviceOperations: Operation[] = [
  {
    id: 'getOverview', method: 'get', path: '/api/v1/overview', tag: 'Operations', summary: "Deliveries, success rate, delivery times, backlog, failing jobs and endpoints, next runs",
    query: overviewQuery, responses: { 200: ok(views.overviewView), 400: BAD_INPUT },
  },
  { id: 'health', method: 'get', path: '/healthz', tag: 'Operations', summary: 'Whether the node is ready', auth: 'none', responses: { 200: ok(views.healthView), 503: { ...ok(views.healthView, 'Starting'), headers: { 'retry-after': 'Seconds to wait.' } } } },
  { id: 'getApiDocument', method: 'get', path: '/openapi.json', tag: 'Operations', summary: 'This document (readable at /docs)', auth: 'none', responses: { 200: ok(z.record(z.string(), z.unknown()).meta({ description: 'An OpenAPI 3.1 document.' })) } },
  { id: 'metrics', method: 'get', path: '/metrics', tag: 'Operations', summary: 'Metrics in Prometheus text format', responses: { 200: { description: 'OK', contentType: 'text/plain; version=0.0.4' } } },
];

export const OPERATIONS: readonly Operation[] = [
  ...jobOperations, ...executionOperations, ...endpointOperations, ...eventOperations, ...hookOperations, ...inspectorOperations, ...serviceOperations,
];
