import type { FastifyInstance } from 'fastify';
import type { Clock } from '../clock.js';
import { notFound } from '../errors.js';
import { parseSpec } from '../jobs/job-codec.js';
import { oneJobView } from './job-views.js';
import { firstTick } from '../scheduler/schedule.js';
import type { Store, TickRow } from '../store/store.js';
import { page, POSITIONS, readPage } from './pagination.js';
import { pageOnlyQuery, parseQuery } from './query.js';

type Params = { id: string };

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A tick as the API shows it: fired (with its execution), skipped for overlap, or missed. */
function tickView(row: TickRow) {
  return {
    scheduled_for: iso(row.scheduled_for),
    status: row.status,
    execution_id: row.execution_id,
    ...(row.status === 'missed' ? { missed_until: iso(row.missed_until), missed_count: row.missed_count } : {}),
    recorded_at: iso(row.created_at),
  };
}

/** Pausing and resuming a job's schedule, and the record of its ticks. */
export function scheduleRoutes(deps: { store: Store; clock: Clock; onScheduleChange: () => void }) {
  const { store, clock } = deps;
  return async function register(app: FastifyInstance): Promise<void> {
    app.post<{ Params: Params }>('/api/v1/jobs/:id/pause', async (request) => {
      const job = await store.getJob(request.params.id);
      if (!job) throw notFound(`job ${request.params.id}`);
      const now = clock.now();
      await store.setJobEnabled(job.id, false, null, now);
      return oneJobView(store, { ...job, enabled: 0, next_run_at: null, updated_at: now });
    });

    /** Ticks that came while the job was paused are not missed ones: it starts again from now. */
    app.post<{ Params: Params }>('/api/v1/jobs/:id/resume', async (request) => {
      const job = await store.getJob(request.params.id);
      if (!job) throw notFound(`job ${request.params.id}`);
      const now = clock.now();
      const spec = parseSpec(job.spec);
      const next = spec.schedule ? (firstTick(spec.schedule, now) ?? null) : null;
      await store.setJobEnabled(job.id, true, next, now);
      if (next !== null) deps.onScheduleChange();
      return oneJobView(store, { ...job, enabled: 1, next_run_at: next, updated_at: now });
    });

    app.get<{ Params: Params }>('/api/v1/jobs/:id/ticks', async (request) => {
      const { limit, cursor } = readPage(parseQuery(pageOnlyQuery, request.query), POSITIONS.time);
      if (!(await store.getJob(request.params.id))) throw notFound(`job ${request.params.id}`);
      const rows = await store.listTicks(request.params.id, limit, cursor);
      return page(rows.map(tickView), limit, (last) => Date.parse(last.scheduled_for!));
    });
  };
}
