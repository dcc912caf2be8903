import type { ApiClient } from './api-client.js';
import { age, render, renderOne, type Columns, type OutputFormat } from './output.js';

type Row = Record<string, any>;

/** What `get` lists, with the path of its list, of one item, and the columns of its table. */
const KINDS: Record<string, { list: string; one: (name: string) => string; columns: Columns<Row> }> = {
  jobs: {
    list: '/api/v1/jobs',
    one: (name) => `/api/v1/jobs/${encodeURIComponent(name)}`,
    columns: {
      table: [
        ['ID', (j) => j.id],
        ['NAMESPACE', (j) => j.namespace],
        ['SCHEDULE', (j) => scheduleText(j.schedule)],
        ['ENABLED', (j) => j.enabled],
        ['NEXT RUN', (j) => j.next_run_at],
        ['HOOKS', (j) => j.triggers?.length ?? 0],
        ['AGE', (j) => age(j.created_at)],
      ],
      wide: [
        ['LAST RUN', (j) => j.last_run_at],
        ['CALLS', (j) => (j.tasks ? `${j.tasks.length} tasks` : j.webhook?.url ?? j.webhook?.endpoint)],
      ],
    },
  },
  executions: {
    list: '/api/v1/executions',
    one: (id) => `/api/v1/executions/${encodeURIComponent(id)}`,
    columns: {
      table: [
        ['ID', (e) => e.id],
        ['JOB', (e) => e.job_id],
        ['STATUS', (e) => e.status],
        ['TRIGGER', (e) => e.trigger?.type],
        ['ATTEMPTS', (e) => e.attempts],
        ['CREATED', (e) => age(e.created_at)],
        ['LAST ERROR', (e) => e.last_error],
      ],
      wide: [
        ['NAMESPACE', (e) => e.namespace],
        ['STARTED', (e) => e.started_at],
        ['FINISHED', (e) => e.finished_at],
        ['NEXT ATTEMPT', (e) => e.next_attempt_at],
      ],
    },
  },
  hooks: {
    list: '/api/v1/hooks',
    one: (id) => `/api/v1/hooks/${encodeURIComponent(id)}`,
    columns: {
      table: [
        ['ID', (h) => h.id],
        ['JOB', (h) => h.job_id],
        ['NAMESPACE', (h) => h.namespace],
        ['STATUS', (h) => h.status],
        ['LAST CALL', (h) => age(h.last_triggered_at)],
        ['URL', (h) => h.url],
      ],
      wide: [
        ['TRIGGER', (h) => h.trigger_id],
        ['DISABLED REASON', (h) => h.disabled_reason],
        ['STOP AFTER', (h) => h.stopAfter?.join(',')],
      ],
    },
  },
  endpoints: {
    list: '/api/v1/endpoints',
    one: (name) => `/api/v1/endpoints/${encodeURIComponent(name)}`,
    columns: {
      table: [
        ['NAME', (e) => e.name],
        ['METHOD', (e) => e.method],
        ['URL', (e) => e.url],
        ['STATE', (e) => e.health?.state],
        ['AGE', (e) => age(e.created_at)],
      ],
      wide: [
        ['TIMEOUT', (e) => e.timeout],
        ['AUTH', (e) => e.auth?.type],
        ['SIGNED', (e) => e.signing_secret !== undefined || e.signing_key !== undefined],
        ['SUBSCRIPTIONS', (e) => e.subscriptions?.join(',')],
        ['CIRCUIT', (e) => e.health?.circuit],
        ['FAILURES', (e) => e.health?.failure_streak],
      ],
    },
  },
  events: {
    list: '/api/v1/events',
    one: (id) => `/api/v1/events/${encodeURIComponent(id)}`,
    columns: {
      table: [
        ['ID', (e) => e.id],
        ['TYPE', (e) => e.type],
        ['NAMESPACE', (e) => e.namespace],
        ['STATUS', (e) => e.status],
        ['CREATED', (e) => age(e.created_at)],
      ],
      wide: [
        ['FINISHED', (e) => e.finished_at],
        ['DELIVERIES', (e) => e.deliveries?.map((d: Row) => `${d.endpoint}:${d.status}`).join(',')],
      ],
    },
  },
};

export const KIND_NAMES = Object.keys(KINDS);
const ALIASES: Record<string, string> = { job: 'jobs', execution: 'executions', hook: 'hooks', endpoint: 'endpoints', event: 'events' };

export function kindNamed(name: string): string | undefined {
  const kind = ALIASES[name] ?? name;
  return KINDS[kind] ? kind : undefined;
}

/**
 * `hookline get KIND [NAME]`: one item, or every item (following the pages) that the filters keep,
 * as a table, JSON or YAML.
 */
export async function get(client: ApiClient, kind: string, name: string | undefined, filters: Record<string, string>, format: OutputFormat): Promise<string> {
  const { list, one, columns } = KINDS[kind];
  if (name !== undefined) return renderOne(await client.request('GET', one(name)), columns, format);
  const rows: Row[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ ...filters, limit: '500', ...(cursor ? { cursor } : {}) });
    const page: { items: Row[]; next_cursor: string | null } = await client.request('GET', `${list}?${query}`);
    rows.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && rows.length < MAX_ROWS);
  // An empty table says so, rather than printing its headings alone.
  if (rows.length === 0 && (format === 'table' || format === 'wide')) return `No ${kind} found${Object.keys(filters).length > 0 ? ' that the filters keep' : ''}.\n`;
  return render(rows, columns, format);
}

/** At most this many items are listed; filters narrow a longer list. */
const MAX_ROWS = 5000;

function scheduleText(schedule: unknown): string {
  if (schedule === undefined || schedule === null) return '-';
  if (typeof schedule === 'string') return schedule;
  const s = schedule as { cron?: string; timezone?: string; every?: string; at?: string };
  if (s.cron) return s.timezone ? `${s.cron} (${s.timezone})` : s.cron;
  if (s.every) return `every ${s.every}`;
  return `at ${s.at}`;
}
