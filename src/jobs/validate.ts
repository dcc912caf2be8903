import type { z } from 'zod';
import { badRequest, HttpError } from '../errors.js';
import { kindOf, withArticle } from '../value-kind.js';
import { checkTemplate, isJsonTemplate, renderBody, templateRefs } from '../template/template.js';
import { jobSchema, type JobSpec } from './job-schema.js';
import { graphProblem, taskPlaces } from './task-graph.js';
import type { WebhookSpec } from './webhook-schema.js';

/**
 * How every schema is run on input: zod then reports the value it found wrong, so a message can say
 * what type was expected and what came instead (the value itself is never put in a message).
 */
export const PARSE_OPTIONS = { reportInput: true } as const;

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
  return badRequest(`${field}: ${messageOf(issue)}`, field);
}

/** A missing field is "required"; a value of the wrong type names the type expected and the one given. */
function messageOf(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_union' && 'input' in issue) return unionMessage(issue) ?? issue.message;
  if (issue.code !== 'invalid_type') return issue.message;
  if (!('input' in issue) || issue.input === undefined) return 'is required';
  // zod's own wording starts so; a schema's own message (a duration's, say) is kept as it is.
  if (!issue.message.startsWith('Invalid input')) return issue.message;
  return `expected ${typeName(issue.expected)}, got ${kindOf(issue.input)}`;
}

const typeName = (expected: string) => withArticle(expected === 'record' ? 'object' : expected);

/** A value none of a union's types took: the types it could have been, when the union is of plain types. */
function unionMessage(issue: z.core.$ZodIssueInvalidUnion): string | undefined {
  const expected = [...new Set(issue.errors.flat().flatMap((e) => (e.code === 'invalid_type' && e.path.length === 0 ? [typeName(e.expected)] : [])))];
  if (expected.length !== issue.errors.length) return undefined;
  const list = expected.length === 1 ? expected[0] : `${expected.slice(0, -1).join(', ')} or ${expected.at(-1)}`;
  return `expected ${list}, got ${kindOf(issue.input)}`;
}



/**
 * Validates a job document; `pathId` is the id from the URL of a PUT, which the body must not
 * contradict, and `now` is what a one-shot's time must not be before.
 */
export function validateJob(input: unknown, pathId: string | undefined, newId: () => string, now: number): JobSpec {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw badRequest('the body must be a JSON object', 'body');
  const parsed = jobSchema.safeParse(withoutReadOnly(input as Record<string, unknown>), PARSE_OPTIONS);
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
const READ_ONLY_FIELDS = ['created_at', 'updated_at', 'next_run_at', 'last_run_at', 'last_status'];

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
