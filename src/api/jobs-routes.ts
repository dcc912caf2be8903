import type { FastifyInstance } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import type { Clock } from '../clock.js';
import { badRequest, conflict, notFound } from '../errors.js';
import { jobView, type JobCodec } from '../jobs/job-codec.js';
import type { Trigger } from '../jobs/trigger.js';
import { validateJob } from '../jobs/validate.js';
import type { Store } from '../store/store.js';
import { page, readPage } from './pagination.js';

type Params = { id: string };
type Query = Record<string, string | undefined>;

const MAX_IDEMPOTENCY_KEY = 256;

/** Jobs: create, replace, read, list, delete, and trigger by hand. */
export function jobRoutes(deps: { store: Store; codec: JobCodec; trigger: Trigger; clock: Clock }) {
  const { store, codec, clock } = deps;
  return async function register(app: FastifyInstance): Promise<void> {
    app.post('/api/v1/jobs', async (request, reply) => {
      const spec = validateJob(request.body, undefined, uuidv7);
      const row = codec.toRow(spec, undefined, clock.now());
      if (!(await store.insertJob(row))) throw conflict(`job ${spec.id} already exists; PUT /api/v1/jobs/${spec.id} replaces it`, 'id');
      return reply.code(201).header('location', `/api/v1/jobs/${spec.id}`).send(jobView(row));
    });

    app.put<{ Params: Params }>('/api/v1/jobs/:id', async (request, reply) => {
      const spec = validateJob(request.body, request.params.id, uuidv7);
      const previous = await store.getJob(spec.id);
      const row = codec.toRow(spec, previous, clock.now());
      const result = await store.upsertJob(row);
      return reply.code(result === 'created' ? 201 : 200).send(jobView({ ...row, created_at: previous?.created_at ?? row.created_at }));
    });

    app.get<{ Querystring: Query }>('/api/v1/jobs', async (request) => {
      const { limit, cursor } = readPage<string>(request.query);
      const rows = await store.listJobs(limit, cursor);
      return page(rows.map(jobView), limit, (last) => last.id);
    });

    app.get<{ Params: Params }>('/api/v1/jobs/:id', async (request) => {
      const row = await store.getJob(request.params.id);
      if (!row) throw notFound(`job ${request.params.id}`);
      return jobView(row);
    });

    app.delete<{ Params: Params }>('/api/v1/jobs/:id', async (request, reply) => {
      if (!(await store.deleteJob(request.params.id))) throw notFound(`job ${request.params.id}`);
      return reply.code(204).send();
    });

    app.post<{ Params: Params }>('/api/v1/jobs/:id/trigger', async (request, reply) => {
      const key = request.headers['idempotency-key'];
      if (Array.isArray(key) || (key !== undefined && (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY))) {
        throw badRequest(`Idempotency-Key must be one value of 1 to ${MAX_IDEMPOTENCY_KEY} characters`, 'Idempotency-Key');
      }
      const body = request.body === undefined || request.body === '' ? null : request.body;
      const created = await deps.trigger(request.params.id, { type: 'manual', body, idempotencyKey: key });
      const current = created.reused ? await store.getExecution(created.job_id, created.id) : undefined;
      const url = `/api/v1/jobs/${created.job_id}/executions/${created.id}`;
      return reply
        .code(202)
        .header('location', url)
        .header('idempotent-replayed', String(created.reused))
        .send({ id: created.id, job_id: created.job_id, namespace: created.namespace, status: current?.status ?? 'pending', url });
    });
  };
}
