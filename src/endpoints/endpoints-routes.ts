import type { FastifyInstance } from 'fastify';
import { page, POSITIONS, readPage } from '../api/pagination.js';
import type { Clock } from '../clock.js';
import { badRequest, conflict, notFound } from '../errors.js';
import { PARSE_OPTIONS, zodToHttpError } from '../jobs/validate.js';
import type { Store } from '../store/store.js';
import { kindOf } from '../value-kind.js';
import { endpointView, type EndpointCodec } from './endpoint-codec.js';
import { canonical, dryRunQuery, RESULT_HEADER, type ApplyResult } from '../api/apply-result.js';
import { pageOnlyQuery, parseQuery } from '../api/query.js';
import { gateOf } from './delivery-settings.js';
import { endpointSchema, type Endpoint } from './endpoint-schema.js';

type Params = { name: string };

function readEndpoint(input: unknown, pathName?: string): Endpoint {
  const body = input !== null && typeof input === 'object' && !Array.isArray(input) ? (input as Record<string, unknown>) : undefined;
  if (!body) throw badRequest('the body must be a JSON object', 'body');
  const { created_at: _c, updated_at: _u, health: _h, ...fields } = body;
  if (pathName !== undefined && fields.name !== undefined && fields.name !== pathName) {
    if (typeof fields.name !== 'string') throw badRequest(`name: expected a string, got ${kindOf(fields.name)}`, 'name');
    throw badRequest(`name ${fields.name} does not match the URL's ${pathName}`, 'name');
  }
  const parsed = endpointSchema.safeParse(pathName === undefined ? fields : { ...fields, name: pathName }, PARSE_OPTIONS);
  if (!parsed.success) throw zodToHttpError(parsed.error);
  return parsed.data;
}

/**
 * Reusable endpoints: create, replace, read, list, delete. Calls through an endpoint read it as they
 * are made, so a change applies to every call after it; one that jobs name cannot be deleted.
 */
export function endpointRoutes(deps: { store: Store; codec: EndpointCodec; clock: Clock; onResumed: () => void }) {
  const { store, codec, clock } = deps;
  return async function register(app: FastifyInstance): Promise<void> {
    app.post('/api/v1/endpoints', async (request, reply) => {
      const endpoint = readEndpoint(request.body);
      const row = codec.toRow(endpoint, undefined, clock.now());
      if (!(await store.insertEndpoint(row))) throw conflict(`endpoint ${endpoint.name} already exists; PUT /api/v1/endpoints/${endpoint.name} replaces it`, 'name');
      return reply.code(201).header('location', `/api/v1/endpoints/${endpoint.name}`).send(endpointView(row));
    });

    /** Create or replace; `?dry_run=true` says what it would do. An endpoint that would not change is not written. */
    app.put<{ Params: Params }>('/api/v1/endpoints/:name', async (request, reply) => {
      const dryRun = parseQuery(dryRunQuery, request.query).dry_run;
      const endpoint = readEndpoint(request.body, request.params.name);
      const [previous] = await store.getEndpoints([endpoint.name]);
      const row = codec.toRow(endpoint, previous, clock.now());
      const change: ApplyResult = !previous ? 'created' : canonical(codec.open(previous)) === canonical(codec.open(row)) ? 'unchanged' : 'configured';
      if (dryRun || change === 'unchanged') return reply.code(200).header(RESULT_HEADER, change).send(endpointView(change === 'unchanged' ? previous! : { ...previous, ...row }));
      const result = await store.upsertEndpoint(row);
      // Its health is not part of what is written: it stands as it stood.
      return reply.code(result === 'created' ? 201 : 200).header(RESULT_HEADER, result === 'created' ? 'created' : 'configured').send(endpointView({ ...previous, ...row }));
    });

    app.get('/api/v1/endpoints', async (request) => {
      const { limit, cursor } = readPage(parseQuery(pageOnlyQuery, request.query), POSITIONS.text);
      const rows = await store.listEndpoints(limit, cursor);
      return page(rows.map(endpointView), limit, (last) => last.name);
    });

    app.get<{ Params: Params }>('/api/v1/endpoints/:name', async (request) => {
      const [row] = await store.getEndpoints([request.params.name]);
      if (!row) throw notFound(`endpoint ${request.params.name}`);
      return endpointView(row);
    });

    /** Pause: its deliveries are kept, neither attempted nor failed. Resume (paused or disabled): they go out again. */
    for (const [verb, state] of [['pause', 'paused'], ['resume', 'active']] as const) {
      app.post<{ Params: Params }>(`/api/v1/endpoints/:name/${verb}`, async (request) => {
        const [row] = await store.getEndpoints([request.params.name]);
        if (!row) throw notFound(`endpoint ${request.params.name}`);
        const health = await store.setEndpointState(row.name, state, gateOf(codec.open(row)), clock.now());
        if (!health) throw notFound(`endpoint ${request.params.name}`);
        if (state === 'active') deps.onResumed();
        return endpointView({ ...row, ...health });
      });
    }

    app.delete<{ Params: Params }>('/api/v1/endpoints/:name', async (request, reply) => {
      const { deleted, usedBy } = await store.deleteEndpoint(request.params.name, clock.now());
      if (usedBy.length > 0) throw conflict(`endpoint ${request.params.name} is used by the jobs ${usedBy.join(', ')}`, 'name');
      if (!deleted) throw notFound(`endpoint ${request.params.name}`);
      return reply.code(204).send();
    });
  };
}
