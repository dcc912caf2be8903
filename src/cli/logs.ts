import { parseDuration } from '../duration.js';
import type { ApiClient } from './api-client.js';
import { attemptText, type Attempt } from './attempt-text.js';
import { UsageError } from './run-verbs.js';

interface Listed {
  id: string;
  job_id: string;
  status: string;
  attempts: number;
  created_at: string;
  trigger: { type: string };
}

interface Detail extends Listed {
  tasks?: unknown[];
  last_error: string | null;
  finished_at: string | null;
  attempt_log: Attempt[];
}

export interface LogsOptions {
  follow: boolean;
  job?: string;
  namespace?: string;
  /** `10m`, `1h` (that long ago) or an RFC 3339 time: executions created since then are shown. */
  since: string;
  pollMs: number;
}

const ENDED = new Set(['succeeded', 'failed']);
/** Executions read per page, and at most per look; older ones still running are followed one by one. */
const PAGE = 100;
const MAX_LISTED = 1000;
/**
 * Each look lists executions created since a minute before the newest one seen: an execution is
 * listed by when it was created, and one created just before another may be committed after it.
 */
const RELIST_MARGIN_MS = 60_000;

interface Seen {
  attempts: number;
  ended: boolean;
  createdAt: number;
}

/**
 * `hookline logs [-f]`: one line per execution started, per attempt made and per execution ended,
 * in the order they happened; with `follow`, it looks again every `pollMs` until interrupted.
 */
export async function logs(client: ApiClient, options: LogsOptions, write: (text: string) => void, stop: AbortSignal = new AbortController().signal): Promise<void> {
  let since = sinceTime(options.since);
  const seen = new Map<string, Seen>();
  for (;;) {
    const listed = await recentExecutions(client, options, since);
    // New executions, and every one not seen to end yet (listed or not): their attempts may have moved on.
    const unended = new Set([...listed.filter((e) => !seen.get(e.id)?.ended).map((e) => e.id), ...[...seen].filter(([, s]) => !s.ended).map(([id]) => id)]);
    const details = await Promise.all([...unended].map((id) => client.request<Detail>('GET', `/api/v1/executions/${encodeURIComponent(id)}`)));
    const lines = details.flatMap((d) => newLines(d, seen));
    lines.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    if (lines.length > 0) write(lines.map((l) => l.text).join('\n') + '\n');
    if (!options.follow || stop.aborted) return;
    since = Math.max(since, ...listed.map((e) => Date.parse(e.created_at) - RELIST_MARGIN_MS));
    for (const [id, s] of seen) if (s.ended && s.createdAt < since) seen.delete(id);
    await new Promise((resolve) => setTimeout(resolve, options.pollMs));
    if (stop.aborted) return;
  }
}

/** Executions created since `since` (milliseconds), newest first, following the pages up to MAX_LISTED. */
async function recentExecutions(client: ApiClient, options: LogsOptions, since: number): Promise<Listed[]> {
  const filters = { ...(options.job ? { job: options.job } : {}), ...(options.namespace ? { namespace: options.namespace } : {}) };
  const items: Listed[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ since: new Date(since).toISOString(), limit: String(PAGE), ...filters, ...(cursor ? { cursor } : {}) });
    const page: { items: Listed[]; next_cursor: string | null } = await client.request('GET', `/api/v1/executions?${query}`);
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && items.length < MAX_LISTED);
  return items;
}

/** What happened to an execution since it was last looked at; `seen` is brought up to date. */
function newLines(d: Detail, seen: Map<string, Seen>): Array<{ at: string; text: string }> {
  const before = seen.get(d.id);
  const head = `${d.job_id} ${d.id}`;
  const lines: Array<{ at: string; text: string }> = [];
  if (!before) lines.push({ at: d.created_at, text: `${d.created_at} ${head} started (${d.trigger.type})` });
  // A job with one webhook has one task, named for it: its attempts need no task name.
  const named = (d.tasks?.length ?? 0) > 1;
  for (const a of d.attempt_log.slice(before?.attempts ?? 0)) lines.push({ at: a.started_at, text: `${a.started_at} ${head} ${attemptText(a, named)}` });
  const ended = ENDED.has(d.status);
  if (ended && !before?.ended) {
    const at = d.finished_at ?? d.created_at;
    const count = `${d.attempts} attempt${d.attempts === 1 ? '' : 's'}`;
    lines.push({ at, text: `${at} ${head} ${d.status} after ${count}${d.status === 'failed' && d.last_error ? `: ${d.last_error}` : ''}` });
  }
  seen.set(d.id, { attempts: d.attempt_log.length, ended, createdAt: Date.parse(d.created_at) });
  return lines;
}

/** `--since`: a duration ago, or an RFC 3339 time; in milliseconds. */
export function sinceTime(since: string): number {
  const ago = parseDuration(since);
  if (ago !== undefined) return Date.now() - ago;
  if (!Number.isNaN(Date.parse(since)) && /^\d{4}-\d{2}-\d{2}T/.test(since)) return Date.parse(since);
  throw new UsageError(`--since ${since}: a duration such as 10m or 2h, or an RFC 3339 time`);
}
