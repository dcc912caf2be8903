import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError, unavailable } from '../errors.js';
import type { JobCodec } from '../jobs/job-codec.js';
import type { Trigger } from '../jobs/trigger.js';
import { redactHeaders } from '../secrets/redact.js';
import { safeEqual } from '../secrets/safe-equal.js';
import type { JobRow, Store } from '../store/store.js';
import type { Clock } from '../clock.js';
import { evaluateConditions } from './conditions.js';
import { checkContentEncoding, parseHookBody } from './request-body.js';
import { signatureProblem } from './signatures.js';
import type { WebhookTrigger } from './trigger-schema.js';

type Params = { namespace: string; job: string; key: string };

export const HOOK_ROUTE = '/api/v1/executions/webhook/:namespace/:job/:key';
export const isHookUrl = (url: string): boolean => url.startsWith('/api/v1/executions/webhook/');

/** One answer for an unknown namespace, job or key alike, so a caller learns nothing from it. */
const NO_SUCH_HOOK = new HttpError(404, 'NOT_FOUND', 'no such hook');
const SECRET_HEADER = 'x-webhook-secret';

/**
 * The secret URLs that start jobs (Kestra's path and answers): 404 for anything unknown, 401 for a
 * wrong or missing secret, 200 with the execution once it is committed.
 */
export function inboundRoutes(deps: { store: Store; codec: JobCodec; trigger: Trigger; clock: Clock; bodyLimit: number }) {
  async function findHook(params: Params): Promise<{ hook: WebhookTrigger; job: JobRow } | undefined> {
    const job = await deps.store.getJob(params.job).catch((err) => {
      throw unavailable(`the store is unavailable: ${(err as Error).message}`);
    });
    if (!job || job.namespace !== params.namespace) return undefined;
    const triggers = deps.codec.open(job.spec).triggers ?? [];
    // Every key is compared, in constant time, whichever matches.
    let found: WebhookTrigger | undefined;
    for (const t of triggers) if (safeEqual(params.key, t.key!) && !found) found = t;
    return found && { hook: found, job };
  }

  async function accept(request: FastifyRequest<{ Params: Params }>, reply: FastifyReply) {
    const found = await findHook(request.params);
    if (!found) throw NO_SUCH_HOOK;
    const { hook, job } = found;
    if (hook.enabled === false) throw new HttpError(403, 'HOOK_DISABLED', 'this hook is disabled');
    const given = request.headers[SECRET_HEADER];
    if (hook.secret !== undefined && (typeof given !== 'string' || !safeEqual(given, hook.secret))) {
      throw new HttpError(401, 'UNAUTHORIZED', `a valid ${SECRET_HEADER} header is required`);
    }
    const raw = (request.body as Buffer | undefined) ?? Buffer.alloc(0);
    if (hook.verify) {
      const problem = signatureProblem(hook.verify, request.headers, raw, deps.clock.now());
      if (problem) {
        request.log.warn({ job: request.params.job, hook: hook.id, reason: problem }, 'hook call refused: its signature does not verify');
        throw new HttpError(401, 'UNAUTHORIZED', 'the request signature does not verify');
      }
    }
    checkContentEncoding(request.headers['content-encoding']);
    const secrets = [hook.secret, hook.verify?.secret].filter((s): s is string => s !== undefined);
    const call = {
      body: parseHookBody(request.headers['content-type'], raw),
      headers: redactHeaders(flatHeaders(request.headers), secrets),
      parameters: request.query as Record<string, unknown>,
    };
    const conditions = evaluateConditions(hook.conditions ?? [], call);
    if (!conditions.met) {
      const fields = { job: request.params.job, hook: hook.id, condition: conditions.condition, error: conditions.error };
      if (conditions.error) request.log.warn(fields, 'hook call not started: a condition could not be evaluated');
      else request.log.info(fields, 'hook call not started: a condition is false');
      return reply.code(204).send();
    }
    const created = await deps.trigger(job.id, { type: 'webhook', ...call, idempotencyKey: deliveryId(request.headers) }, job);
    return {
      id: created.id,
      namespace: created.namespace,
      job: created.job_id,
      state: 'pending',
      url: `/api/v1/jobs/${created.job_id}/executions/${created.id}`,
    };
  }

  return async function register(app: FastifyInstance): Promise<void> {
    // Bodies arrive as raw bytes, whatever their type: parsed here, after the hook is known.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: deps.bodyLimit }, (_request, body, done) => done(null, body));
    app.route<{ Params: Params }>({ method: ['GET', 'POST', 'PUT'], url: HOOK_ROUTE, handler: accept });
  };
}

/** Headers that name one delivery: a repeat within 24 h returns the first execution. */
const DELIVERY_ID_HEADERS = ['idempotency-key', 'x-github-delivery', 'webhook-id', 'svix-id'];

function deliveryId(headers: FastifyRequest['headers']): string | undefined {
  for (const name of DELIVERY_ID_HEADERS) {
    const value = headers[name];
    if (typeof value !== 'string' || value.length === 0 || value.length > 256) continue;
    // The same Idempotency-Key as on the trigger route; a provider's id is kept apart by its header.
    return name === 'idempotency-key' ? value : `${name}:${value}`;
  }
  return undefined;
}

function flatHeaders(headers: FastifyRequest['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

