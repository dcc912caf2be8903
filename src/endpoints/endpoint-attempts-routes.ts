import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { WINDOWS } from '../api/overview-route.js';
import { page, POSITIONS, readPage } from '../api/pagination.js';
import { pageOnlyQuery, parseQuery, queryChoice } from '../api/query.js';
import type { Clock } from '../clock.js';
import { notFound } from '../errors.js';
import type { EndpointAttemptRow } from '../store/endpoint-attempts.js';
import type { Store } from '../store/store.js';

type Params = { name: string };

export const endpointStatsQuery = z.object({
  window: queryChoice(['1h', '24h']).default('24h').meta({ description: 'The last hour or the last day.' }),
});

/** One attempt through an endpoint, as the API shows it. */
export function endpointAttemptView(a: EndpointAttemptRow) {
  const of = a.kind === 'task' ? { task: a.name } : a.kind === 'delivery' ? { event: a.message_id } : { notification: Number(a.name.replace(/^notify-/, '')) };
  return {
    id: a.id,
    execution_id: a.execution_id,
    job_id: a.job_id,
    ...of,
    attempt: a.attempt,
    started_at: new Date(a.started_at).toISOString(),
    duration_ms: a.duration_ms,
    succeeded: a.error === null,
    status_code: a.status_code,
    error_code: a.error_code,
    error: a.error,
  };
}

/**
 * What went through an endpoint: its attempts, newest first, and over the last hour or day (counted
 * by whole minutes) how many there were, how many succeeded, and when the last one and the last
 * success were.
 */
export function endpointAttemptsRoutes(deps: { store: Store; clock: Clock }) {
  const { store, clock } = deps;

  async function mustExist(name: string): Promise<void> {
    if ((await store.getEndpoints([name])).length === 0) throw notFound(`endpoint ${name}`);
  }

  return async function register(app: FastifyInstance): Promise<void> {
    app.get<{ Params: Params }>('/api/v1/endpoints/:name/attempts', async (request) => {
      const { limit, cursor } = readPage(parseQuery(pageOnlyQuery, request.query), POSITIONS.timeAndId);
      await mustExist(request.params.name);
      const rows = await store.listEndpointAttempts(request.params.name, limit, cursor && { started_at: cursor[0], id: cursor[1] });
      const listed = page(rows, limit, (last) => [last.started_at, last.id]);
      return { items: listed.items.map(endpointAttemptView), next_cursor: listed.next_cursor };
    });

    app.get<{ Params: Params }>('/api/v1/endpoints/:name/stats', async (request) => {
      const { window } = parseQuery(endpointStatsQuery, request.query);
      await mustExist(request.params.name);
      const { ms, bucketMs } = WINDOWS[window];
      const s = await store.endpointAttemptStats(request.params.name, clock.now() - ms, bucketMs);
      const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
      return {
        window,
        attempts: s.attempts,
        succeeded: s.succeeded,
        failed: s.attempts - s.succeeded,
        success_rate: s.attempts === 0 ? null : s.succeeded / s.attempts,
        last_attempt_at: iso(s.last_attempt_at),
        last_success_at: iso(s.last_success_at),
        bucket_ms: bucketMs,
        buckets: s.buckets.map((b) => ({ at: iso(b.at)!, attempts: b.attempts, succeeded: b.succeeded, success_rate: b.succeeded / b.attempts })),
      };
    });
  };
}
