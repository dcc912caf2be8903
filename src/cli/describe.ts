import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { ApiClient } from './api-client.js';
import { UsageError } from './run-verbs.js';

type Execution = {
  id: string;
  job_id: string;
  namespace: string;
  status: string;
  attempts: number;
  last_error: string | null;
  trigger: { type: string };
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  next_attempt_at: string | null;
  tasks: Array<{ name: string; status: string; attempts: number; max_attempts: number; duration_ms: number | null; last_error: string | null }>;
  notifications: Array<{ notify: string | number; event: string; status: string; attempts: number; last_error: string | null }>;
  attempt_log: Array<{ task?: string; notification?: number; attempt: number; started_at: string; duration_ms: number; status_code: number | null; error_code: string | null; error: string | null; request: { method: string; url: string } }>;
};

const line = (label: string, value: unknown) => `${`${label}:`.padEnd(12)}${value === null || value === undefined || value === '' ? '-' : value}\n`;

/** `hookline describe execution ID`: the execution, each task, each notification, and every attempt with its request and answer. */
export async function describeExecution(client: ApiClient, id: string): Promise<string> {
  const e: Execution = await client.request('GET', `/api/v1/executions/${encodeURIComponent(id)}`);
  let out = line('Execution', e.id) + line('Job', `${e.job_id} (namespace ${e.namespace})`) + line('Status', e.status) + line('Trigger', e.trigger.type);
  out += line('Created', e.created_at) + line('Started', e.started_at) + line('Finished', e.finished_at);
  if (e.next_attempt_at) out += line('Next try', e.next_attempt_at);
  if (e.last_error) out += line('Error', e.last_error);
  out += '\nTasks:\n';
  for (const t of e.tasks) out += `  ${t.name}  ${t.status}  attempts ${t.attempts}/${t.max_attempts}${t.duration_ms === null ? '' : `  ${t.duration_ms} ms`}${t.last_error ? `  ${t.last_error}` : ''}\n`;
  if (e.notifications.length > 0) {
    out += '\nNotifications:\n';
    for (const n of e.notifications) out += `  ${n.event}  ${n.status}  attempts ${n.attempts}${n.last_error ? `  ${n.last_error}` : ''}\n`;
  }
  out += '\nAttempts:\n';
  for (const a of e.attempt_log) {
    const answer = a.error_code ? `${a.error_code}${a.error ? `: ${a.error}` : ''}` : `HTTP ${a.status_code}`;
    const of = a.task ?? (a.notification === undefined ? '-' : `notify-${a.notification}`);
    out += `  ${a.started_at}  ${of} #${a.attempt}  ${a.request.method} ${a.request.url}  ${answer}  ${a.duration_ms} ms\n`;
  }
  return out;
}

/** `hookline retry EXECUTION`: runs the failed and skipped tasks of an ended execution again. */
export async function retryExecution(client: ApiClient, id: string): Promise<string> {
  const e: { job_id: string } = await client.request('GET', `/api/v1/executions/${encodeURIComponent(id)}`);
  const again: { status: string } = await client.request('POST', `/api/v1/jobs/${encodeURIComponent(e.job_id)}/executions/${encodeURIComponent(id)}/retry`);
  return `execution ${id} ${again.status}: its failed and skipped tasks run again\n`;
}

/**
 * `hookline test-webhook -f FILE`: one call of the webhook a file describes (YAML or JSON: the
 * `webhook` object itself, or `{webhook, timeout}`), no job and no retries.
 */
export async function testWebhook(client: ApiClient, file: string): Promise<{ text: string; ok: boolean }> {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file === '-' ? 0 : file, 'utf8'), { maxAliasCount: 100 });
  } catch (err) {
    throw new UsageError(`${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  const body = doc !== null && typeof doc === 'object' && 'webhook' in doc ? doc : { webhook: doc };
  const r: { success: boolean; status_code: number; response_body: string; duration_ms: number } = await client.request('POST', '/api/v1/webhooks/test', body);
  const head = `${r.success ? 'success' : 'failure'}: ${r.status_code === 0 ? 'no answer' : `HTTP ${r.status_code}`} in ${r.duration_ms} ms\n`;
  return { text: r.response_body ? `${head}${r.response_body}${r.response_body.endsWith('\n') ? '' : '\n'}` : head, ok: r.success };
}
