import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { PUBLIC_ROUTE } from '../api/access.js';
import { fromFastify } from '../api/http-errors.js';
import { HttpError } from '../errors.js';
import type { ExecutionWaiter } from '../jobs/execution-waiter.js';
import { redactHeaders, redactValue } from '../secrets/redact.js';
import type { InvocationOutcome } from '../store/store.js';
import type { EvaluationPool } from '../evaluation/evaluation-pool.js';
import type { ConditionsOutcome } from '../evaluation/conditions.js';
import { conditionsVerdict, HOOK_CHANGING, hookSecrets, type HookCall, type HookCalls, type HookTarget } from './hook-calls.js';
import { createRateLimits, retryAfterSeconds, type RateLimitSettings } from './rate-limits.js';
import { checkContentEncoding, readHookBody, withoutSecrets } from './request-body.js';
import { authenticationProblem } from './authenticate-call.js';
import { callOf, wantsWait } from './hook-call-of.js';
import { waitedAnswer } from './waited-answer.js';

type Params = { namespace: string; job: string; key: string };
type HookRequest = FastifyRequest<{ Params: Params; Querystring: Record<string, unknown> }>;

export const HOOK_ROUTE = '/api/v1/executions/webhook/:namespace/:job/:key';

/** One answer for an unknown namespace, job or key alike, so a caller learns nothing from it. */
const NO_SUCH_HOOK = new HttpError(404, 'NOT_FOUND', 'no such hook');

/** What the route learns of a call as it goes, for logging a refusal once the answer is known. */
interface CallState {
  call: HookCall;
  target?: HookTarget;
  /** The invocation is written already (accepted, filtered or rate limited). */
  recorded?: boolean;
  /** Why the call was refused, in more detail than its answer gives. */
  reason?: string;
  /** The hook was read from the store for this call, not taken from an earlier read. */
  fresh?: boolean;
}

const ALL_MET: ConditionsOutcome = { met: true };

/** Answers that depend on how the hook stands, checked again on a fresh read before they are given. */
const RECHECKED = new Set([401, 403, 404]);
/** The commit found the hook or its job changed since it was read. */
const STALE = new Error('the hook changed since it was read');


export interface InboundOptions {
  clock: Clock;
  conditions: EvaluationPool;
  calls: HookCalls;
  waiter: ExecutionWaiter;
  log: Logger;
  bodyLimit: number;
  rateLimits: RateLimitSettings;
  waitTimeoutMs: number;
}

/**
 * The secret URLs that start jobs (Kestra's path and answers): 404 for anything unknown, 403 for a
 * disabled hook, 401 for a wrong secret or signature, 429 over a rate limit, 204 when conditions
 * are false, 200 with the execution once it is committed. Every call to a known hook is logged.
 */
export function inboundRoutes(options: InboundOptions) {
  const { clock, calls } = options;
  const states = new WeakMap<FastifyRequest, CallState>();
  const limitsFor = createRateLimits(options.rateLimits);

  function stateOf(request: FastifyRequest): CallState {
    let state = states.get(request);
    if (!state) {
      state = { call: callOf(request, clock.now()) };
      states.set(request, state);
    }
    return state;
  }

  /** The call's hook is known: its secrets leave the headers kept and shown. */
  function know(state: CallState, target: HookTarget): void {
    if (state.target) return;
    state.target = target;
    state.call.headers = redactHeaders(state.call.headers, hookSecrets(target.trigger));
  }

  /** Refuses the call: `reason` goes to the invocation log, the error to the caller. */
  function refuse(state: CallState, error: HttpError, reason = error.message): never {
    state.reason = reason;
    throw error;
  }

  /**
   * Judges the call on the hook as last read. A refusal that depends on the hook (404, 403, 401),
   * or a commit that finds the hook changed, is judged once more on a fresh read, so a stale view
   * never decides a call.
   */
  async function accept(request: HookRequest, reply: FastifyReply) {
    const state = stateOf(request);
    try {
      return await judge(request, reply, state, false);
    } catch (err) {
      const recheck = err === STALE || (!state.fresh && err instanceof HttpError && RECHECKED.has(err.status));
      if (!recheck) throw err;
      state.target = undefined;
      state.reason = undefined;
      return judge(request, reply, state, true);
    }
  }

  async function judge(request: HookRequest, reply: FastifyReply, state: CallState, fresh: boolean) {
    const { namespace, job, key } = request.params;
    const lookup = await calls.find(namespace, job, key, fresh);
    state.fresh = lookup.fresh;
    const target = lookup.target;
    if (!target) throw NO_SUCH_HOOK;
    know(state, target);
    const { hook, trigger } = target;
    if (hook.enabled !== 1) {
      refuse(state, new HttpError(403, 'HOOK_DISABLED', 'this hook is disabled'), hook.disabled_reason ?? 'the hook is disabled');
    }
    const denied = authenticationProblem(trigger, request.headers, state.call.raw, clock.now());
    if (denied) refuse(state, denied.error, denied.reason);
    checkContentEncoding(request.headers['content-encoding']);
    const call = state.call;
    const secrets = hookSecrets(trigger);
    call.body = withoutSecrets(readHookBody(request.headers['content-type'], call.raw), secrets);
    call.parameters = call.query === null ? request.query : (redactValue(request.query, secrets) as Record<string, unknown>);
    const conditions = trigger.conditions?.length
      ? await options.conditions.conditions(trigger.conditions, { body: call.body.value, headers: call.headers, parameters: call.parameters }, 'trigger', target.job.namespace)
      : ALL_MET;
    const limits = limitsFor(hook, trigger, call.receivedAt);
    const outcome = await calls.commit(target, call, conditionsVerdict(conditions), limits);
    if (outcome.result === 'stale') throw fresh ? HOOK_CHANGING : STALE;
    state.recorded = true;
    if (!conditions.met) logFiltered(request, target, conditions);
    return answer(request, reply, target, outcome);
  }

  async function answer(request: HookRequest, reply: FastifyReply, target: HookTarget, outcome: InvocationOutcome) {
    if (outcome.result === 'rate_limited') {
      const limit = outcome.limited!;
      const retryAfter = String(retryAfterSeconds(limit, clock.now()));
      throw new HttpError(429, 'RATE_LIMITED', limit.reason, undefined, { 'retry-after': retryAfter });
    }
    if (outcome.result === 'filtered') return reply.code(204).send();
    const execution = outcome.execution!;
    const base = {
      id: execution.id,
      namespace: target.job.namespace,
      job: target.job.id,
      url: `/api/v1/jobs/${target.job.id}/executions/${execution.id}`,
    };
    if (!wantsWait(request.query.wait, target.trigger)) return { ...base, state: 'pending' };
    const ended = await options.waiter.wait(target.job.id, execution.id, options.waitTimeoutMs);
    const waited = waitedAnswer(base, ended);
    if (waited.status !== outcome.status_code) {
      await calls.answered(outcome.id, waited.status).catch((err) => options.log.error({ err: (err as Error).message }, 'recording the answer of a held hook call failed'));
    }
    return reply.code(waited.status).send(waited.body);
  }

  function logFiltered(request: HookRequest, target: HookTarget, conditions: Extract<ConditionsOutcome, { met: false }>): void {
    const fields = { job: target.job.id, hook: target.hook.id, condition: conditions.condition, error: conditions.error };
    if (conditions.error) request.log.warn(fields, 'hook call not started: a condition could not be evaluated');
    else request.log.info(fields, 'hook call not started: a condition is false');
  }

  /**
   * A refused call's invocation is logged as it is answered: the refusals the handler made and
   * those Fastify made before it (a body over the limit, a bad length). Unknown hooks (404) and the
   * store's own failures (5xx) leave no invocation. The log is written apart from the answer.
   */
  function logRefusal(request: HookRequest, error: FastifyError): void {
    const known = error instanceof HttpError ? error : fromFastify(error);
    const status = known?.status ?? 500;
    const state = stateOf(request);
    state.reason ??= known?.message ?? error.message;
    if (state.recorded || status >= 500 || status === 404) return;
    const reason = state.reason;
    const { namespace, job, key } = request.params;
    (async () => {
      const target = state.target ?? (await calls.find(namespace, job, key)).target;
      if (!target) return;
      know(state, target);
      await calls.reject(target, state.call, { result: 'rejected', status, reason });
    })().catch((err) => options.log.error({ err: (err as Error).message }, 'logging a refused hook call failed'));
  }

  return async function register(app: FastifyInstance): Promise<void> {
    // Bodies arrive as raw bytes, whatever their type: parsed here, after the hook is known.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: options.bodyLimit }, (request, body, done) => {
      stateOf(request).call.raw = body as Buffer;
      done(null, body);
    });
    app.route<{ Params: Params; Querystring: Record<string, unknown> }>({
      method: ['GET', 'POST', 'PUT'],
      url: HOOK_ROUTE,
      // The hook's key (and its secret or signature) authenticates the caller, not the API token.
      ...PUBLIC_ROUTE,
      onError: async (request, _reply, error: FastifyError) => logRefusal(request, error),
      handler: accept,
    });
  };
}
