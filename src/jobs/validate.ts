import type { z } from 'zod';
import { badRequest, HttpError } from '../errors.js';
import { checkTemplate, isJsonTemplate, renderBody, templateRefs } from '../template/template.js';
import { jobSchema, type JobSpec } from './job-schema.js';
import { graphProblem, taskPlaces } from './task-graph.js';
import type { WebhookSpec } from './webhook-schema.js';

/** Turns the first problem zod found into a 400 that names the field. */
export function zodToHttpError(error: z.ZodError, prefix = ''): HttpError {
  const issue = error.issues[0];
  const path = [...(prefix ? [prefix] : []), ...issue.path.map(String)];
  if (issue.code === 'unrecognized_keys') {
    const field = [...path, issue.keys[0]].join('.');
    return badRequest(`unknown field ${field}`, field);
  }
  // An issue with no path is about the body as a whole: a document that is not an object, say.
  if (path.length === 0) return badRequest(issue.code === 'invalid_type' ? 'the body must be a JSON object' : `body: ${issue.message}`, 'body');
  const field = path.join('.');
  const message = issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message;
  return badRequest(`${field}: ${message}`, field);
}

/**
 * Validates a job document; `pathId` is the id from the URL of a PUT, which the body must not
 * contradict, and `now` is what a one-shot's time must not be before.
 */
export function validateJob(input: unknown, pathId: string | undefined, newId: () => string, now: number): JobSpec {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw badRequest('the body must be a JSON object', 'body');
  const parsed = jobSchema.safeParse(withoutReadOnly(input as Record<string, unknown>));
  if (!parsed.success) throw zodToHttpError(parsed.error);
  const job = parsed.data;
  if (pathId !== undefined && job.id !== undefined && job.id !== pathId) {
    throw badRequest(`id ${job.id} does not match the URL's ${pathId}`, 'id');
  }
  const id = pathId ?? job.id ?? newId();
  checkCalls(job);
  const schedule = job.schedule;
  if (typeof schedule === 'object' && 'at' in schedule && Date.parse(schedule.at) <= now) {
    throw badRequest(`schedule.at: ${schedule.at} is in the past`, 'schedule.at');
  }
  return { ...job, id, name: job.name ?? id };
}

/** Fields the API shows but users do not set; a job read back and sent again keeps working. */
const READ_ONLY_FIELDS = ['created_at', 'updated_at', 'next_run_at', 'last_run_at'];

function withoutReadOnly(input: Record<string, unknown>): Record<string, unknown> {
  const out = { ...input };
  for (const field of READ_ONLY_FIELDS) delete out[field];
  if (Array.isArray(out.triggers)) {
    out.triggers = out.triggers.map((t: unknown) => (t && typeof t === 'object' && !Array.isArray(t) ? omitUrl(t as Record<string, unknown>) : t));
  }
  return out;
}

/** A trigger's `url` and `hook_id` are shown, not set. */
function omitUrl({ url: _url, hook_id: _hookId, ...rest }: Record<string, unknown>): Record<string, unknown> {
  return rest;
}

/** `webhook` or `tasks`, one of them; tasks that make a graph; templates that can render, reading what exists. */
function checkCalls(job: Omit<JobSpec, 'id' | 'name'>): void {
  if (job.webhook && job.tasks) throw badRequest('tasks: a job has a webhook or tasks, not both', 'tasks');
  if (!job.webhook && !job.tasks) throw badRequest('webhook: a job needs a webhook or tasks', 'webhook');
  if (job.webhook) checkWebhookTemplates(job.webhook, 'webhook');
  if (job.tasks) {
    const problem = graphProblem(job.tasks);
    if (problem) throw badRequest(`${problem.field}: ${problem.message}`, problem.field);
    const places = taskPlaces(job.tasks);
    job.tasks.forEach((task, i) => checkWebhookTemplates(task.webhook, `tasks.${i}.webhook`, places.get(task.name)!.upstream));
  }
  job.notify?.forEach((n, i) => {
    if (n.url) checkTemplateAt(n.url, `notify.${i}.url`, NOTIFY_ROOTS);
    if (n.body !== undefined) checkTemplateAt(n.body, `notify.${i}.body`, NOTIFY_ROOTS);
  });
}

const CALL_ROOTS = new Set(['trigger', 'outputs']);
const NOTIFY_ROOTS = new Set(['trigger', 'outputs', 'event']);

/** A webhook's templates; `upstream` holds the tasks whose outputs it may read. */
export function checkWebhookTemplates(webhook: WebhookSpec, prefix: string, upstream: ReadonlySet<string> = new Set()): void {
  if (webhook.url !== undefined) checkTemplateAt(webhook.url, `${prefix}.url`, CALL_ROOTS, upstream);
  for (const [name, value] of Object.entries(webhook.headers ?? {})) checkTemplateAt(value, `${prefix}.headers.${name}`, CALL_ROOTS, upstream);
  if (webhook.body === undefined) return;
  checkTemplateAt(webhook.body, `${prefix}.body`, CALL_ROOTS, upstream);
  if (isJsonTemplate(webhook.body) && !rendersAsJson(webhook.body)) throw badRequest(`${prefix}.body: is not valid JSON`, `${prefix}.body`);
}

function checkTemplateAt(template: string, field: string, roots: ReadonlySet<string>, upstream?: ReadonlySet<string>): void {
  const fail = (problem: string) => {
    throw badRequest(`${field}: ${problem}`, field);
  };
  const problem = checkTemplate(template);
  if (problem) fail(problem);
  const refs = templateRefs(template);
  for (const root of refs.roots) if (!roots.has(root)) fail(`{{ ${root} }} is not known here`);
  if (!upstream) return;
  for (const task of refs.outputs) {
    if (!upstream.has(task)) fail(`outputs.${task}: "${task}" is not a task this one depends on`);
  }
}

function rendersAsJson(template: string): boolean {
  const vars = new Proxy({}, { get: () => 'x' }) as Record<string, string>;
  try {
    JSON.parse(renderBody(template, { vars, data: {} }, Number.MAX_SAFE_INTEGER));
    return true;
  } catch {
    return false;
  }
}
