import { v7 as uuidv7 } from 'uuid';
import type { Clock } from '../clock.js';
import { HttpError, notFound, unavailable } from '../errors.js';
import type { JobSpec } from '../jobs/job-schema.js';
import { newExecution } from '../jobs/new-execution.js';
import type { createSpecCache } from '../jobs/spec-cache.js';
import { redactText } from '../secrets/redact.js';
import { safeEqual } from '../secrets/safe-equal.js';
import type { GroupCommit } from '../store/group-commit.js';
import { JobGoneError } from '../store/insert-execution.js';
import type { HookRow, InvocationOutcome, InvocationResult, JobRow, NewInvocation, RateLimit, Store } from '../store/store.js';
import type { ConditionsOutcome } from './conditions.js';
import type { WebhookTrigger } from './trigger-schema.js';

/** A hook with the job it starts and its trigger, secrets opened. */
export interface HookTarget {
  job: JobRow;
  spec: JobSpec;
  hook: HookRow;
  trigger: WebhookTrigger;
}

/** One call to a hook as it arrived: what the invocation log keeps and the execution sees. */
export interface HookCall {
  receivedAt: number;
  sourceIp: string | null;
  method: string;
  query: string | null;
  /** The headers, credentials already `***`. */
  headers: Record<string, string>;
  raw: Buffer | undefined;
  /** `trigger.body` and `trigger.parameters`, once the body is parsed. */
  body?: unknown;
  parameters?: Record<string, unknown>;
  idempotencyKey?: string;
  test?: boolean;
}

/** How a call was judged before the store has its say (rate limits can still refuse it). */
export interface Verdict {
  result: InvocationResult;
  status: number;
  reason: string | null;
}

/** The secrets of a hook, kept out of the invocation log. */
export const hookSecrets = (trigger: WebhookTrigger): string[] =>
  [trigger.key, trigger.secret, trigger.verify?.secret].filter((s): s is string => s !== undefined);

/**
 * Finding hooks and writing their calls: every call to a known hook is logged as an invocation,
 * and an accepted one starts its execution in the same transaction.
 */
export function createHookCalls(deps: {
  store: Store;
  clock: Clock;
  openSpec: ReturnType<typeof createSpecCache>;
  invocations: GroupCommit<NewInvocation, InvocationOutcome>;
  bodyLogLimit: number;
  onStarted: () => void;
}) {
  const { store, clock } = deps;
  const storeDown = (err: unknown) => unavailable(`the store is unavailable: ${(err as Error).message}`);

  /** The hook of a job whose key matches; every key is compared in constant time, whichever matches. */
  async function find(namespace: string, jobId: string, key: string): Promise<HookTarget | undefined> {
    const found = await store.getHookTarget(jobId).catch((err) => {
      throw storeDown(err);
    });
    if (!found || found.job.namespace !== namespace) return undefined;
    const { spec } = deps.openSpec(found.job.spec);
    let trigger: WebhookTrigger | undefined;
    for (const t of spec.triggers ?? []) if (safeEqual(key, t.key!) && !trigger) trigger = t;
    const hook = trigger && found.hooks.find((h) => h.trigger_id === trigger.id);
    return hook && { job: found.job, spec, hook, trigger: trigger! };
  }

  /** A hook by its id, for the hooks API. */
  async function byId(id: string): Promise<HookTarget | undefined> {
    const hook = await store.getHook(id);
    const found = hook && (await store.getHookTarget(hook.job_id));
    if (!found) return undefined;
    const { spec } = deps.openSpec(found.job.spec);
    const trigger = spec.triggers?.find((t) => t.id === hook.trigger_id);
    return trigger && { job: found.job, spec, hook, trigger };
  }

  /** The invocation record of a call, its body cut to the log's limit and its secrets taken out. */
  function record(target: HookTarget, call: HookCall, verdict: Verdict, limits: RateLimit[] = []): NewInvocation {
    const secrets = hookSecrets(target.trigger);
    const raw = call.raw ?? Buffer.alloc(0);
    const kept = raw.subarray(0, deps.bodyLogLimit);
    return {
      id: uuidv7(),
      hook_id: target.hook.id,
      received_at: call.receivedAt,
      source_ip: call.sourceIp,
      method: call.method,
      query: call.query && redactText(call.query, secrets),
      headers: JSON.stringify(call.headers),
      body: raw.length === 0 ? null : redactText(kept.toString('utf8'), secrets),
      body_size: raw.length,
      body_truncated: raw.length > kept.length ? 1 : 0,
      result: verdict.result,
      reason: verdict.reason,
      status_code: verdict.status,
      test: call.test ?? false,
      limits,
    };
  }

  /** Writes an accepted or filtered call; an accepted one within its limits starts an execution. */
  async function commit(target: HookTarget, call: HookCall, verdict: Verdict, limits: RateLimit[]): Promise<InvocationOutcome> {
    const item = record(target, call, verdict, limits);
    if (verdict.result === 'accepted') item.execution = executionFor(target, call);
    const outcome = await deps.invocations.add(item).catch((err) => {
      if (err instanceof JobGoneError) throw notFound(`job ${target.job.id}`);
      if (err instanceof HttpError) throw err;
      throw storeDown(err);
    });
    if (outcome.execution && !outcome.execution.reused) deps.onStarted();
    return outcome;
  }

  function executionFor(target: HookTarget, call: HookCall) {
    const now = clock.now();
    const trigger = {
      type: 'webhook' as const,
      body: call.body,
      headers: call.headers,
      parameters: call.parameters ?? {},
      idempotencyKey: call.idempotencyKey,
      hook: { id: target.hook.id, trigger_id: target.hook.trigger_id },
      test: call.test,
    };
    return newExecution(target.job, target.spec, trigger, now, now);
  }

  /** Logs a refused call; it starts nothing, so the log is written after the answer. */
  function reject(target: HookTarget, call: HookCall, verdict: Verdict): Promise<unknown> {
    return deps.invocations.add(record(target, call, verdict));
  }

  return { find, byId, commit, reject, record };
}

export type HookCalls = ReturnType<typeof createHookCalls>;

/** The verdict of a call whose checks passed: accepted, or filtered by its conditions. */
export function conditionsVerdict(conditions: ConditionsOutcome): Verdict {
  if (conditions.met) return { result: 'accepted', status: 200, reason: null };
  const why = conditions.error ? `could not be evaluated: ${conditions.error}` : 'is false';
  return { result: 'filtered', status: 204, reason: `condition ${conditions.condition} ${why}` };
}
