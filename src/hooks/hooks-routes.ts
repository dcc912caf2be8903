import { dataFields } from '../api/input-guard.js';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { page, POSITIONS, readPage } from '../api/pagination.js';
import { pageQuery, parseQuery, queryBoolean, queryChoice, queryText } from '../api/query.js';
import type { Clock } from '../clock.js';
import { notFound } from '../errors.js';
import { PARSE_OPTIONS, zodToHttpError } from '../jobs/validate.js';
import { redactHeaders } from '../secrets/redact.js';
import type { InvocationCursor, InvocationResult, InvocationRow, Store } from '../store/store.js';
import type { EvaluationPool } from '../evaluation/evaluation-pool.js';
import { conditionsVerdict, HOOK_CHANGING, hookSecrets, type HookCalls } from './hook-calls.js';
import { hookView, invocationView } from './hook-view.js';

type Params = { id: string };

/** `PATCH /api/v1/hooks/{id}`: turn a hook on or off. */
export const hookPatchSchema = z.object({ enabled: z.boolean() }).strict();
/** `POST /api/v1/hooks/{id}/test`: the call a test event stands for. */
export const hookTestSchema = z
  .object({
    body: z.unknown().optional(),
    headers: z.record(z.string(), z.string()).optional(),
    parameters: z.record(z.string(), z.string()).optional(),
  })
  .strict();

/** What a test event carries when the request names no body: Kubiya's shape, a `message`. */
export const DEFAULT_TEST_BODY = { message: 'Test event from Hookline', test: true };
const RESULTS: [InvocationResult, ...InvocationResult[]] = ['accepted', 'filtered', 'rejected', 'rate_limited'];

export const hooksQuery = z.object({
  namespace: queryText.optional().meta({ description: 'Only hooks of jobs in this namespace.' }),
  job: queryText.optional().meta({ description: "Only this job's hooks." }),
  enabled: queryBoolean.optional().meta({ description: 'Only enabled (true) or only disabled (false) hooks.' }),
  ...pageQuery,
});

export const invocationsQuery = z.object({ result: queryChoice(RESULTS).optional().meta({ description: 'Only calls judged so.' }), ...pageQuery });

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input ?? {}, PARSE_OPTIONS);
  if (!parsed.success) throw zodToHttpError(parsed.error);
  return parsed.data;
}

/** The hooks API: every hook with its status, enabling and disabling, test events, the invocation log. */
export function hooksRoutes(deps: { store: Store; clock: Clock; calls: HookCalls; conditions: EvaluationPool; bodyLogLimit: number }) {
  const { store, clock, calls } = deps;

  async function hookOr404(id: string) {
    const row = await store.getHook(id);
    if (!row) throw notFound(`hook ${id}`);
    return row;
  }

  return async function register(app: FastifyInstance): Promise<void> {
    app.get('/api/v1/hooks', async (request) => {
      const query = parseQuery(hooksQuery, request.query);
      const { limit, cursor } = readPage(query, POSITIONS.text);
      const filter = { namespace: query.namespace, job_id: query.job, enabled: query.enabled };
      const rows = await store.listHooks(filter, limit, cursor);
      return page(rows.map(hookView), limit, (last) => last.id);
    });

    app.get<{ Params: Params }>('/api/v1/hooks/:id', async (request) => hookView(await hookOr404(request.params.id)));

    app.patch<{ Params: Params }>('/api/v1/hooks/:id', async (request) => {
      const { enabled } = parse(hookPatchSchema, request.body);
      const row = await store.setHookEnabled(request.params.id, enabled, clock.now());
      if (!row) throw notFound(`hook ${request.params.id}`);
      return hookView(row);
    });

    /**
     * A test event: it goes through the hook's conditions and, when they hold, starts an execution
     * marked as a test. The API token stands in for the hook's secret and signature; rate limits
     * and the hook's enabled switch do not apply.
     */
    app.post<{ Params: Params }>('/api/v1/hooks/:id/test', dataFields('*'), async (request) => {
      const input = parse(hookTestSchema, request.body);
      const target = await calls.byId(request.params.id);
      if (!target) throw notFound(`hook ${request.params.id}`);
      const value = input.body === undefined ? DEFAULT_TEST_BODY : input.body;
      const headers = redactHeaders(lowerCased(input.headers ?? {}), hookSecrets(target.trigger));
      const parameters = input.parameters ?? {};
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      const body = { value, json: JSON.stringify(value), text };
      const call = { receivedAt: clock.now(), sourceIp: request.ip, method: 'POST', query: null, headers, raw: Buffer.from(text), body, parameters, test: true };
      const verdict = conditionsVerdict(await deps.conditions.conditions(target.trigger.conditions ?? [], { body: value, headers, parameters }, 'trigger', target.job.namespace));
      const outcome = await calls.commit(target, call, verdict, []);
      if (outcome.result === 'stale') throw HOOK_CHANGING;
      const id = outcome.execution?.id;
      const execution = id && { id, namespace: target.job.namespace, job: target.job.id, state: 'pending', url: `/api/v1/jobs/${target.job.id}/executions/${id}` };
      return { result: outcome.result, reason: verdict.reason, execution: execution ?? null };
    });

    app.get<{ Params: Params }>('/api/v1/hooks/:id/invocations', async (request) => {
      const { result, ...pageAsked } = parseQuery(invocationsQuery, request.query);
      const { limit, cursor } = readPage(pageAsked, POSITIONS.timeAndId);
      const target = await calls.byId(request.params.id);
      if (!target) throw notFound(`hook ${request.params.id}`);
      const before: InvocationCursor | undefined = cursor && { received_at: cursor[0], id: cursor[1] };
      const rows = await store.listInvocations(request.params.id, limit, before, result);
      const view = (row: InvocationRow) => invocationView(row, hookSecrets(target.trigger), deps.bodyLogLimit);
      return page(rows.map(view), limit, (last) => [Date.parse(last.received_at!), last.id]);
    });
  };
}

function lowerCased(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}
