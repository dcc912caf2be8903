import { dataFields } from './input-guard.js';
import type { FastifyInstance } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import { badRequest, conflict, notFound } from '../errors.js';
import type { JobCodec } from '../jobs/job-codec.js';
import { jobViews, oneJobView } from './job-views.js';
import type { Trigger } from '../jobs/trigger.js';
import { validateJob } from '../jobs/validate.js';
import type { JobRow, Store } from '../store/store.js';
import { UnknownEndpointError } from '../store/endpoint-store.js';
import type { JobSpec } from '../jobs/job-schema.js';
import { namedEndpoints } from '../jobs/secrets.js';
import { page, POSITIONS, readPage } from './pagination.js';
import { canonical, dryRunQuery, RESULT_HEADER, type ApplyResult } from './apply-result.js';
import { pageQuery, parseQuery, queryBoolean } from './query.js';

type Params = { id: string };

const MAX_IDEMPOTENCY_KEY = 256;

/** `?enabled=true|false` lists only enabled or only paused jobs. */
export const jobsQuery = z.object({ enabled: queryBoolean.optional().meta({ description: 'Only enabled (true) or only paused (false) jobs.' }), ...pageQuery });

/** Every endpoint the job names exists; otherwise a 400 names the first field naming one that does not. */
async function checkEndpoints(store: Store, spec: JobSpec): Promise<void> {
  const named = namedEndpoints(spec);
  if (named.length === 0) return;
  const found = new Set((await store.getEndpoints([...new Set(named.map((n) => n.name))])).map((e) => e.name));
  const missing = named.find((n) => !found.has(n.name));
  if (missing) throw badRequest(`${missing.field}: there is no endpoint named ${missing.name}`, missing.field);
}

/** A job write; an endpoint deleted since the check above makes it a 400 too. */
async function writing<T>(spec: JobSpec, write: Promise<T>): Promise<T> {
  return write.catch((err: unknown) => {
    if (!(err instanceof UnknownEndpointError)) throw err;
    const missing = namedEndpoints(spec).find((n) => err.names.includes(n.name))!;
    throw badRequest(`${missing.field}: there is no endpoint named ${missing.name}`, missing.field);
  });
}

/** Jobs: create, replace, read, list, delete, and trigger by hand. `onScheduleChange` wakes the scheduler. */
export function jobRoutes(deps: { store: Store; codec: JobCodec; trigger: Trigger; clock: Clock; onScheduleChange: () => void }) {
  const { store, codec, clock } = deps;
  /** The hook keys made for this request, shown once in its answer and never again. */
  const revealedKeys = (row: JobRow & { generatedKeys: string[] }): Record<string, string> => {
    const opened = row.generatedKeys.length > 0 ? codec.open(row.spec).triggers ?? [] : [];
    return Object.fromEntries(opened.filter((t) => row.generatedKeys.includes(t.id!)).map((t) => [t.id!, t.key!]));
  };

  /** The job would stay as it is: the same spec (secrets compared opened), the same switch, the same hook states asked for. */
  async function sameJob(previous: JobRow, row: JobRow): Promise<boolean> {
    if (previous.enabled !== row.enabled || canonical(codec.open(previous.spec)) !== canonical(codec.open(row.spec))) return false;
    const hooks = await store.hooksOfJobs([previous.id]);
    return (row.hooks ?? []).every((h) => h.enabled === undefined || hooks.some((c) => c.trigger_id === h.trigger_id && (c.enabled === 1) === h.enabled));
  }

  return async function register(app: FastifyInstance): Promise<void> {
    app.post('/api/v1/jobs', async (request, reply) => {
      const now = clock.now();
      const spec = validateJob(request.body, undefined, uuidv7, now);
      await checkEndpoints(store, spec);
      const row = codec.toRow(spec, undefined, now);
      if (!(await writing(spec, store.insertJob(row)))) throw conflict(`job ${spec.id} already exists; PUT /api/v1/jobs/${spec.id} replaces it`, 'id');
      if (row.next_run_at !== null) deps.onScheduleChange();
      return reply.code(201).header('location', `/api/v1/jobs/${spec.id}`).send(await oneJobView(store, row, revealedKeys(row)));
    });

    /** Create or replace; `?dry_run=true` says what it would do. A job that would not change is not written. */
    app.put<{ Params: Params }>('/api/v1/jobs/:id', async (request, reply) => {
      const dryRun = parseQuery(dryRunQuery, request.query).dry_run;
      const now = clock.now();
      const spec = validateJob(request.body, request.params.id, uuidv7, now);
      await checkEndpoints(store, spec);
      const previous = await store.getJob(spec.id);
      const row = codec.toRow(spec, previous, now);
      const change: ApplyResult = !previous ? 'created' : (await sameJob(previous, row)) ? 'unchanged' : 'configured';
      const written = { ...row, last_run_at: previous?.last_run_at ?? null, created_at: previous?.created_at ?? row.created_at };
      if (dryRun || change === 'unchanged') {
        return reply.code(200).header(RESULT_HEADER, change).send(await oneJobView(store, change === 'unchanged' ? previous! : written));
      }
      const result = await writing(spec, store.upsertJob(row));
      if (row.next_run_at !== null) deps.onScheduleChange();
      const done: ApplyResult = result === 'created' ? 'created' : 'configured';
      return reply.code(result === 'created' ? 201 : 200).header(RESULT_HEADER, done).send(await oneJobView(store, written, revealedKeys(row)));
    });

    app.get('/api/v1/jobs', async (request) => {
      const query = parseQuery(jobsQuery, request.query);
      const { limit, cursor } = readPage(query, POSITIONS.text);
      const rows = await store.listJobs(limit, cursor, query.enabled);
      return page(await jobViews(store, rows), limit, (last) => last.id);
    });

    app.get<{ Params: Params }>('/api/v1/jobs/:id', async (request) => {
      const row = await store.getJob(request.params.id);
      if (!row) throw notFound(`job ${request.params.id}`);
      return oneJobView(store, row);
    });

    app.delete<{ Params: Params }>('/api/v1/jobs/:id', async (request, reply) => {
      if (!(await store.deleteJob(request.params.id))) throw notFound(`job ${request.params.id}`);
      return reply.code(204).send();
    });

    app.post<{ Params: Params }>('/api/v1/jobs/:id/trigger', dataFields('*'), async (request, reply) => {
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
