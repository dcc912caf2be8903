import { ForeignDocumentError, isoDuration, type Mapping } from './foreign-document.js';

/**
 * A Kestra flow as a Hookline job. Kestra runs a flow's tasks one after the other; so do these
 * (each depends on the one before). HTTP Request tasks become calls, the Webhook trigger is taken
 * as it is (Hookline reads its type and conditions), and a Schedule trigger becomes the schedule.
 * Anything Hookline cannot run is refused, naming it and what to use instead.
 */
export function kestraFlowToJob(flow: Mapping): Mapping {
  for (const key of Object.keys(flow)) if (!FLOW_KEYS.has(key)) throw new ForeignDocumentError(key, `${key} is a Kestra flow property Hookline does not have; remove it`);
  const job: Mapping = { id: flow.id, namespace: flow.namespace };
  if (flow.description !== undefined) job.description = flow.description;
  if (flow.disabled !== undefined) job.enabled = flow.disabled !== true;
  const tasks = list(flow.tasks, 'tasks');
  if (tasks.length === 0) throw new ForeignDocumentError('tasks', 'a flow needs at least one task: an io.kestra.plugin.core.http.Request');
  job.tasks = tasks.map((task, i) => requestTask(task, i, i === 0 ? undefined : (tasks[i - 1].id as string)));
  const triggers = list(flow.triggers ?? [], 'triggers').map((t, i) => ({ trigger: t, field: `triggers.${i}` }));
  const hooks = triggers.filter(({ trigger }) => trigger.type === WEBHOOK).map(({ trigger }) => trigger);
  const schedules = triggers.filter(({ trigger }) => trigger.type === SCHEDULE);
  const other = triggers.find(({ trigger }) => trigger.type !== WEBHOOK && trigger.type !== SCHEDULE);
  if (other) throw new ForeignDocumentError(`${other.field}.type`, `${String(other.trigger.type)} is not a trigger Hookline has; it has ${WEBHOOK} and ${SCHEDULE}`);
  if (schedules.length > 1) throw new ForeignDocumentError(schedules[1].field, 'a Hookline job has one schedule; make a job per schedule');
  if (schedules.length === 1) job.schedule = schedule(schedules[0].trigger, schedules[0].field);
  if (hooks.length > 0) job.triggers = hooks;
  return job;
}

const FLOW_KEYS = new Set(['id', 'namespace', 'description', 'disabled', 'tasks', 'triggers', 'labels', 'revision']);
const WEBHOOK = 'io.kestra.plugin.core.trigger.Webhook';
const SCHEDULE = 'io.kestra.plugin.core.trigger.Schedule';
const REQUEST = new Set(['io.kestra.plugin.core.http.Request', 'io.kestra.plugin.fs.http.Request']);
const REQUEST_KEYS = new Set(['id', 'type', 'uri', 'method', 'body', 'headers', 'contentType', 'timeout', 'retry', 'description']);

function requestTask(task: Mapping, index: number, previous: string | undefined): Mapping {
  const field = `tasks.${index}`;
  const type = String(task.type);
  if (!REQUEST.has(type)) {
    throw new ForeignDocumentError(`${field}.type`, `task ${String(task.id)}: ${type} is not a task Hookline runs. Hookline's tasks are HTTP calls: use io.kestra.plugin.core.http.Request (uri, method, body, headers), or put the work behind an HTTP endpoint and call that`);
  }
  for (const key of Object.keys(task)) if (!REQUEST_KEYS.has(key)) throw new ForeignDocumentError(`${field}.${key}`, `task ${String(task.id)}: ${key} is not something Hookline's calls take`);
  const headers = { ...mapping(task.headers, `${field}.headers`), ...(task.contentType ? { 'Content-Type': task.contentType } : {}) };
  const webhook: Mapping = { url: task.uri, method: task.method ?? 'GET', headers };
  if (task.body !== undefined) webhook.body = task.body;
  const out: Mapping = { name: task.id, webhook, depends_on: previous ? [previous] : [] };
  if (task.description !== undefined) out.description = task.description;
  if (task.timeout !== undefined) out.timeout = isoDuration(task.timeout, `${field}.timeout`);
  if (task.retry !== undefined && task.retry !== null) out.retry_policy = retryPolicy(mapping(task.retry, `${field}.retry`), `${field}.retry`);
  return out;
}

/** Kestra's `constant` and `exponential` retries: attempts, interval, and how the interval grows. */
function retryPolicy(retry: Mapping, field: string): Mapping {
  if (retry.type !== 'constant' && retry.type !== 'exponential') throw new ForeignDocumentError(`${field}.type`, 'Hookline takes constant and exponential retries');
  const attempts = retry.maxAttempts ?? retry.maxAttempt;
  return {
    ...(attempts !== undefined ? { max_attempts: attempts } : {}),
    ...(retry.interval !== undefined ? { initial_interval: isoDuration(retry.interval, `${field}.interval`) } : {}),
    ...(retry.maxInterval !== undefined ? { max_interval: isoDuration(retry.maxInterval, `${field}.maxInterval`) } : {}),
    multiplier: retry.type === 'constant' ? 1 : (retry.delayFactor ?? 2),
  };
}

function schedule(trigger: Mapping, field: string): Mapping | string {
  if (typeof trigger.cron !== 'string') throw new ForeignDocumentError(`${field}.cron`, 'a Schedule trigger needs its cron');
  return trigger.timezone === undefined ? trigger.cron : { cron: trigger.cron, timezone: trigger.timezone };
}

/** A mapping where one is expected (null or absent: an empty one). */
function mapping(value: unknown, field: string): Mapping {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new ForeignDocumentError(field, 'expected a mapping');
  return value as Mapping;
}

function list(value: unknown, field: string): Mapping[] {
  if (!Array.isArray(value) || value.some((v) => v === null || typeof v !== 'object' || Array.isArray(v))) throw new ForeignDocumentError(field, 'expected a list of mappings');
  return value as Mapping[];
}
