import { hookPath } from '../jobs/job-codec.js';
import { redactText } from '../secrets/redact.js';
import type { HookRow, InvocationRow } from '../store/store.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A hook as the hooks API shows it: its URL (key as `***`), job, status and times. */
export function hookView(row: HookRow) {
  return {
    id: row.id,
    job_id: row.job_id,
    namespace: row.namespace,
    trigger_id: row.trigger_id,
    url: hookPath(row.namespace, row.job_id),
    status: row.enabled === 1 ? 'active' : 'disabled',
    disabled_reason: row.disabled_reason,
    stopAfter: row.stop_after === null ? [] : row.stop_after.split(',').filter(Boolean),
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
    last_triggered_at: iso(row.last_triggered_at),
  };
}

/**
 * One logged call: what came in, how it was judged and answered, and the execution it started. A
 * call that started an execution shows the headers and body its execution keeps, cut to the
 * log's limit and with the hook's `secrets` taken out.
 */
export function invocationView(row: InvocationRow, secrets: readonly string[], bodyLimit: number) {
  const { headers, body, truncated } = callContent(row, secrets, bodyLimit);
  return {
    id: row.id,
    hook_id: row.hook_id,
    received_at: iso(row.received_at),
    source_ip: row.source_ip,
    method: row.method,
    query: row.query,
    headers,
    body,
    body_size: row.body_size,
    body_truncated: truncated,
    result: row.result,
    reason: row.reason,
    status_code: row.status_code,
    test: row.test === 1,
    execution:
      row.execution_id === null
        ? null
        : { id: row.execution_id, status: row.execution_status, url: `/api/v1/jobs/${row.job_id}/executions/${row.execution_id}` },
  };
}

function callContent(row: InvocationRow, secrets: readonly string[], bodyLimit: number) {
  if (row.headers !== null || row.execution_trigger === null) {
    return { headers: row.headers === null ? {} : (JSON.parse(row.headers) as Record<string, string>), body: row.body, truncated: row.body_truncated === 1 };
  }
  const trigger = JSON.parse(row.execution_trigger) as { headers?: Record<string, string>; body: unknown };
  const text = trigger.body === null ? null : typeof trigger.body === 'string' ? trigger.body : JSON.stringify(trigger.body);
  const bytes = text === null ? undefined : Buffer.from(text);
  const cut = bytes && bytes.length > bodyLimit ? bytes.subarray(0, bodyLimit).toString('utf8') : text;
  return { headers: trigger.headers ?? {}, body: cut === null ? null : redactText(cut, secrets), truncated: (bytes?.length ?? 0) > bodyLimit };
}
