import { dataFields } from '../api/input-guard.js';
import type { FastifyInstance } from 'fastify';
import { page, POSITIONS, readPage } from '../api/pagination.js';
import { parseQuery } from '../api/query.js';
import { badRequest, notFound } from '../errors.js';
import { PARSE_OPTIONS, zodToHttpError } from '../jobs/validate.js';
import type { Store } from '../store/store.js';
import { EVENT_ID, eventsQuery, oneEventQuery, publishSchema } from './event-schema.js';
import { eventView } from './event-view.js';
import type { Publish } from './publisher.js';

/** Events: publish one (202 once it and its deliveries are stored), list a namespace's, read one with its deliveries. */
export function eventRoutes(deps: { store: Store; publish: Publish; onPublished: () => void }) {
  const { store, publish } = deps;
  return async function register(app: FastifyInstance): Promise<void> {
    app.post('/api/v1/events', dataFields('payload'), async (request, reply) => {
      const parsed = publishSchema.safeParse(request.body, PARSE_OPTIONS);
      if (!parsed.success) throw zodToHttpError(parsed.error);
      const { type, payload, namespace } = parsed.data;
      const id = parsed.data.id ?? idempotencyKey(request.headers['idempotency-key']);
      const published = await publish({ namespace, type, payload, payloadJson: JSON.stringify(payload), id });
      if (!published.reused) deps.onPublished();
      return reply.code(202).send({ id: published.event_id, namespace, type, duplicate: published.reused });
    });

    app.get('/api/v1/events', async (request) => {
      const query = parseQuery(eventsQuery, request.query);
      const { limit, cursor } = readPage(query, POSITIONS.timeAndId);
      const before = cursor && { created_at: cursor[0], id: cursor[1] };
      const rows = await store.listEvents({ namespace: query.namespace, type: query.type, status: query.status, since: query.since, until: query.until }, limit, before);
      const result = page(rows, limit, (last) => [Number(last.created_at), last.id]);
      return { items: result.items.map((row) => eventView(row)), next_cursor: result.next_cursor };
    });

    app.get<{ Params: { id: string } }>('/api/v1/events/:id', async (request) => {
      const { namespace } = parseQuery(oneEventQuery, request.query);
      const row = await store.getEvent(namespace, request.params.id);
      if (!row) throw notFound(`event ${request.params.id} in namespace ${namespace}`);
      const [deliveries, attempts] = await Promise.all([store.listDeliveries(row.id), store.listAttempts(row.id)]);
      return eventView(row, deliveries, attempts);
    });
  };
}

function idempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (typeof header !== 'string' || !EVENT_ID.test(header)) throw badRequest('Idempotency-Key must be 1-256 printable characters without spaces, given once', 'Idempotency-Key');
  return header;
}
