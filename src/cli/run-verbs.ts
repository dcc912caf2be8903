import { readFileSync } from 'node:fs';
import type { ApiClient } from './api-client.js';
import { attemptText, type Attempt } from './attempt-text.js';

type WaitedExecution = { status: string; attempts: number; last_error: string | null; next_attempt_at?: string | null; tasks?: unknown[]; attempt_log?: Attempt[] };

/** `--data`: a JSON document as written, `@file.json`, or `@-` for standard input. */
export function readData(data: string | undefined): unknown {
  if (data === undefined) return undefined;
  const text = data.startsWith('@') ? readFileSync(data === '@-' ? 0 : data.slice(1), 'utf8') : data;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--data is not JSON: ${(err as Error).message}`);
  }
}

/** A command written wrong: its exit code is 2, like a shell's. */
export class UsageError extends Error {}

const FINAL = new Set(['succeeded', 'failed']);

/**
 * `hookline trigger JOB`: starts an execution and prints its id; with `wait`, follows it to its end,
 * telling `progress` of each attempt as it ends (and when the next is due), and exits 0 only if it
 * succeeded.
 */
export async function triggerJob(client: ApiClient, job: string, body: unknown, wait: boolean, progress: (text: string) => void = () => undefined, pollMs = 500): Promise<{ text: string; ok: boolean }> {
  const started: { id: string; url: string } = await client.request('POST', `/api/v1/jobs/${encodeURIComponent(job)}/trigger`, body ?? {});
  if (!wait) return { text: `${started.id}\n`, ok: true };
  progress(`${started.id} started\n`);
  let shown = 0;
  for (;;) {
    const e: WaitedExecution = await client.request('GET', started.url);
    const named = (e.tasks?.length ?? 0) > 1;
    const fresh = (e.attempt_log ?? []).slice(shown);
    for (const a of fresh) progress(`${a.started_at} ${attemptText(a, named)}\n`);
    shown += fresh.length;
    if (fresh.length > 0 && !FINAL.has(e.status) && e.next_attempt_at) progress(`next attempt at ${e.next_attempt_at}\n`);
    if (FINAL.has(e.status)) {
      const detail = e.status === 'failed' && e.last_error ? `: ${e.last_error}` : '';
      return { text: `${started.id} ${e.status} after ${e.attempts} attempt${e.attempts === 1 ? '' : 's'}${detail}\n`, ok: e.status === 'succeeded' };
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** `hookline pause|resume JOB`. */
export async function setJobRunning(client: ApiClient, job: string, running: boolean): Promise<string> {
  const j: { id: string; enabled: boolean; next_run_at: string | null } = await client.request('POST', `/api/v1/jobs/${encodeURIComponent(job)}/${running ? 'resume' : 'pause'}`);
  return `job ${j.id} ${j.enabled ? `resumed${j.next_run_at ? `, next run ${j.next_run_at}` : ''}` : 'paused'}\n`;
}

/** `hookline hooks enable|disable ID`. */
export async function setHookEnabled(client: ApiClient, id: string, enabled: boolean): Promise<string> {
  const h: { id: string; status: string } = await client.request('PATCH', `/api/v1/hooks/${encodeURIComponent(id)}`, { enabled });
  return `hook ${h.id} ${h.status}\n`;
}
