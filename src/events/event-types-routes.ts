import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { page, POSITIONS, readPage } from '../api/pagination.js';
import { pageOnlyQuery, parseQuery } from '../api/query.js';
import type { Clock } from '../clock.js';
import { badRequest, conflict, notFound } from '../errors.js';
import { PARSE_OPTIONS, zodToHttpError } from '../jobs/validate.js';
import type { EventTypeRow, Store } from '../store/store.js';
import { EVENT_TYPE, EVENT_TYPE_MAX } from './event-type.js';
import type { EvaluationPool } from '../evaluation/evaluation-pool.js';

/** An entry of the event type catalogue: a name, what it means, and the JSON Schema its payloads match. */
export const eventTypeSchema = z
  .object({
    name: z.string().max(EVENT_TYPE_MAX).regex(EVENT_TYPE, 'must be dot-separated words of letters, digits, "_" or "-", such as invoice.paid'),
    description: z.string().max(4096).optional(),
    schema: z.record(z.string(), z.unknown()).optional().meta({ description: 'A JSON Schema (draft 2020-12) each payload of this type must match; pattern, patternProperties, uniqueItems, dynamic and recursive references are not taken, and at most 2,000 subschemas once its $refs are followed.' }),
  })
  .strict();

type EventType = z.output<typeof eventTypeSchema>;

async function readEventType(evaluation: EvaluationPool, body: unknown, pathName?: string): Promise<EventType> {
  const fields = body !== null && typeof body === 'object' && !Array.isArray(body) ? { ...(body as Record<string, unknown>) } : undefined;
  if (!fields) throw badRequest('the body must be a JSON object', 'body');
  delete fields.created_at;
  delete fields.updated_at;
  if (pathName !== undefined) {
    if (fields.name !== undefined && fields.name !== pathName) throw badRequest(`name ${String(fields.name)} does not match the URL's ${pathName}`, 'name');
    fields.name = pathName;
  }
  const parsed = eventTypeSchema.safeParse(fields, PARSE_OPTIONS);
  if (!parsed.success) throw zodToHttpError(parsed.error);
  const problem = parsed.data.schema && (await evaluation.schema(parsed.data.schema));
  if (problem) throw badRequest(`schema${problem.path ? `.${problem.path}` : ''}: ${problem.message}`, problem.path ? `schema.${problem.path}` : 'schema');
  return parsed.data;
}

const rowOf = (t: EventType, previous: EventTypeRow | undefined, now: number): EventTypeRow => ({
  name: t.name,
  description: t.description ?? null,
  schema: t.schema ? JSON.stringify(t.schema) : null,
  created_at: previous ? Number(previous.created_at) : now,
  updated_at: now,
});

export function eventTypeView(row: EventTypeRow) {
  return {
    name: row.name,
    description: row.description,
    schema: row.schema === null ? null : (JSON.parse(row.schema) as Record<string, unknown>),
    created_at: new Date(Number(row.created_at)).toISOString(),
    updated_at: new Date(Number(row.updated_at)).toISOString(),
  };
}

/** The optional event type catalogue: a type with a schema has every payload published with it checked against it. */
export function eventTypeRoutes(deps: { store: Store; clock: Clock; evaluation: EvaluationPool }) {
  const { store, clock, evaluation } = deps;
  return async function register(app: FastifyInstance): Promise<void> {
    app.post('/api/v1/event-types', async (request, reply) => {
      const t = await readEventType(evaluation, request.body);
      if (await store.getEventType(t.name)) throw conflict(`event type ${t.name} exists; PUT /api/v1/event-types/${t.name} replaces it`, 'name');
      const row = rowOf(t, undefined, clock.now());
      await store.upsertEventType(row);
      return reply.code(201).header('location', `/api/v1/event-types/${t.name}`).send(eventTypeView(row));
    });
    app.put<{ Params: { name: string } }>('/api/v1/event-types/:name', async (request, reply) => {
      const t = await readEventType(evaluation, request.body, request.params.name);
      const row = rowOf(t, await store.getEventType(t.name), clock.now());
      return reply.code((await store.upsertEventType(row)) === 'created' ? 201 : 200).send(eventTypeView(row));
    });
    app.get('/api/v1/event-types', async (request) => {
      const { limit, cursor } = readPage(parseQuery(pageOnlyQuery, request.query), POSITIONS.text);
      return page((await store.listEventTypes(limit, cursor)).map(eventTypeView), limit, (last) => last.name);
    });
    app.get<{ Params: { name: string } }>('/api/v1/event-types/:name', async (request) => {
      const row = await store.getEventType(request.params.name);
      if (!row) throw notFound(`event type ${request.params.name}`);
      return eventTypeView(row);
    });
    app.delete<{ Params: { name: string } }>('/api/v1/event-types/:name', async (request, reply) => {
      if (!(await store.deleteEventType(request.params.name))) throw notFound(`event type ${request.params.name}`);
      return reply.code(204).send();
    });
  };
}
