import type { z } from 'zod';
import { badRequest, HttpError } from '../errors.js';
import { checkTemplate, isJsonTemplate, renderBody } from '../template/template.js';
import { jobSchema, type JobSpec } from './job-schema.js';
import type { Webhook } from './webhook-schema.js';

/** Turns the first problem zod found into a 400 that names the field. */
export function zodToHttpError(error: z.ZodError, prefix = ''): HttpError {
  const issue = error.issues[0];
  const path = [...(prefix ? [prefix] : []), ...issue.path.map(String)];
  if (issue.code === 'unrecognized_keys') {
    const field = [...path, issue.keys[0]].join('.');
    return badRequest(`unknown field ${field}`, field);
  }
  const field = path.join('.') || undefined;
  const message = issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message;
  return badRequest(field ? `${field}: ${message}` : message, field);
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
  checkWebhookTemplates(job.webhook, 'webhook');
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

export function checkWebhookTemplates(webhook: Webhook, prefix: string): void {
  const fail = (field: string, problem: string) => {
    throw badRequest(`${prefix}.${field}: ${problem}`, `${prefix}.${field}`);
  };
  const urlProblem = checkTemplate(webhook.url);
  if (urlProblem) fail('url', urlProblem);
  for (const [name, value] of Object.entries(webhook.headers)) {
    const problem = checkTemplate(value);
    if (problem) fail(`headers.${name}`, problem);
  }
  if (webhook.body === undefined) return;
  const bodyProblem = checkTemplate(webhook.body);
  if (bodyProblem) fail('body', bodyProblem);
  if (isJsonTemplate(webhook.body) && !rendersAsJson(webhook.body)) fail('body', 'is not valid JSON');
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
