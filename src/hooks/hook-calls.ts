import { v7 as uuidv7 } from 'uuid';
import type { Clock } from '../clock.js';
import { HttpError, notFound, unavailable } from '../errors.js';
import type { JobSpec } from '../jobs/job-schema.js';
import type { JobPlan } from '../jobs/job-plan.js';
import { writeHandedOff, type HandOff } from '../jobs/hand-off.js';
import { newExecution } from '../jobs/new-execution.js';
import type { createSpecCache } from '../jobs/spec-cache.js';
import { everyForm, redactText } from '../secrets/redact.js';
import type { GroupCommit } from '../store/group-commit.js';
import { JobGoneError } from '../store/insert-execution.js';
import type { HookRow, InvocationOutcome, InvocationResult, JobRow, NewInvocation, RateLimit, Store } from '../store/store.js';
import type { ConditionsOutcome } from '../evaluation/conditions.js';
import type { HookBody } from './request-body.js';
import type { WebhookTrigger } from './trigger-schema.js';

/** A hook with the job it starts and its trigger, secrets opened. */
export interface HookTarget {
  job: JobRow;
  spec: JobSpec;
  plan: JobPlan;
  hook: HookRow;
  trigger: WebhookTrigger;
}

/** A lookup of a hook: the target if the key matched, and whether the job was read just now. */
export interface Lookup {
  target?: HookTarget;
  fresh: boolean;
}

/** One call to a hook as it arrived: what the invocation log keeps and the execution sees. */
export interface HookCall {
  receivedAt: number;
  sourceIp: string | null;
  method: string;
  query: string | null;
  /** The headers; credentials and the hook's secrets become `***` once the hook is known. */
  headers: Record<string, string>;
  raw: Buffer | undefined;
  /** `trigger.body` and `trigger.parameters`, once the body is read. */
  body?: HookBody;
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

/** The hook changed again while a call judged on a fresh read of it was being committed. */
export const HOOK_CHANGING = new HttpError(503, 'BUSY', 'the hook changed while the call was being taken; try again', undefined, { 'retry-after': '1' });

/** Hooks kept as last read for their calls; the map starts over when it is full. */
const SEEN_HOOKS = 10_000;

/** The secrets of a hook in every form a caller may send them, kept out of the invocation log and `trigger.*`. */
export function hookSecrets(trigger: WebhookTrigger): string[] {
  let forms = secretsOfTrigger.get(trigger);
  if (!forms) {
    const raw = [trigger.key, trigger.secret, trigger.verify?.secret].filter((s): s is string => s !== undefined);
    forms = everyForm(raw);
    secretsOfTrigger.set(trigger, forms);
  }
  return forms;
}

const secretsOfTrigger = new WeakMap<WebhookTrigger, string[]>();

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
  /** Where a started execution's first tasks go with no claim, as far as the local worker has room. */
  handOff?: HandOff;
  /** Told when an execution started that the local worker was not handed whole. */
  onStarted: () => void;
  /** Told of each call taken, with its result. */
  onInvocation?: (result: InvocationResult) => void;
  /** The address (digest) of a hook URL: see hook-address.ts. */
  address: (namespace: string, jobId: string, key: string) => string;
}) {
  const { store, clock } = deps;
  const storeDown = (err: unknown) => unavailable(`the store is unavailable: ${(err as Error).message}`);
  /** Addresses worked out before, by URL parts: an HMAC per call is a cost the hot path can skip. */
  const addresses = new Map<string, string>();
  const addressOf = (namespace: string, jobId: string, key: string): string => {
    const parts = `${namespace}\n${jobId}\n${key}`;
    let address = addresses.get(parts);
    if (address === undefined) {
      if (addresses.size >= SEEN_HOOKS) addresses.clear();
      addresses.set(parts, (address = deps.address(namespace, jobId, key)));
    }
    return address;
  };

  /** Hooks with their jobs as last read, by address. Calls judged on them are checked at commit. */
  const seen = new Map<string, { job: JobRow; hooks: HookRow[]; hookId: string }>();

  /**
   * The hook at a URL, found by the URL's address: a wrong namespace, job or key is one and the same
   * miss, answered after the same work — one store read — whichever part is wrong. A hook read before
   * is taken as last read unless `fresh`; `fresh` in the answer says which it was.
   */
  async function find(namespace: string, jobId: string, key: string, fresh = false): Promise<Lookup> {
    const address = addressOf(namespace, jobId, key);
    let found = fresh ? undefined : seen.get(address);
    const read = found === undefined;
    if (read) {
      found = await store.findHookTarget(address).catch((err) => {
        throw storeDown(err);
      });
      if (seen.size >= SEEN_HOOKS) seen.clear();
      if (found) seen.set(address, found);
      else seen.delete(address);
    }
    if (!found) return { fresh: read };
    const { spec, plan } = deps.openSpec(found.job.spec);
    const hook = found.hooks.find((h) => h.id === found.hookId);
    const trigger = hook && spec.triggers?.find((t) => t.id === hook.trigger_id);
    return { fresh: read, target: hook && trigger && { job: found.job, spec, plan, hook, trigger } };
  }

  /** A hook by its id, for the hooks API. */
  async function byId(id: string): Promise<HookTarget | undefined> {
    const hook = await store.getHook(id);
    const found = hook && (await store.getHookTarget(hook.job_id));
    if (!found) return undefined;
    const { spec, plan } = deps.openSpec(found.job.spec);
    const trigger = spec.triggers?.find((t) => t.id === hook.trigger_id);
    return trigger && { job: found.job, spec, plan, hook, trigger };
  }

  /** The invocation record of a call, its body cut to the log's limit and its secrets taken out. */
  function record(target: HookTarget, call: HookCall, verdict: Verdict, headersJson: string, limits: RateLimit[] = []): NewInvocation {
    const size = call.raw?.length ?? 0;
    return {
      id: uuidv7(),
      hook_id: target.hook.id,
      received_at: call.receivedAt,
      source_ip: call.sourceIp,
      method: call.method,
      query: call.query && redactText(call.query, hookSecrets(target.trigger)),
      headers: headersJson,
      body: size === 0 ? null : redactText(loggedBody(call), hookSecrets(target.trigger)),
      body_size: size,
      body_truncated: size > deps.bodyLogLimit ? 1 : 0,
      result: verdict.result,
      reason: verdict.reason,
      status_code: verdict.status,
      test: call.test ?? false,
      limits,
    };
  }

  /** The body as the log keeps it: its text, cut at the log's limit. */
  function loggedBody(call: HookCall): string {
    const raw = call.raw!;
    if (raw.length > deps.bodyLogLimit) return raw.subarray(0, deps.bodyLogLimit).toString('utf8');
    return call.body?.text ?? raw.toString('utf8');
  }

  /**
   * Writes an accepted or filtered call; an accepted one within its limits starts an execution.
   * The outcome is `stale` when the hook or its job changed since `target` was read.
   */
  async function commit(target: HookTarget, call: HookCall, verdict: Verdict, limits: RateLimit[]): Promise<InvocationOutcome> {
    const headersJson = JSON.stringify(call.headers);
    const item = record(target, call, verdict, headersJson, limits);
    if (verdict.result === 'accepted') item.execution = executionFor(target, call, headersJson);
    else item.judged_spec = target.job.spec;
    const add = () =>
      deps.invocations.add(item).catch((err) => {
        if (err instanceof JobGoneError) throw notFound(`job ${target.job.id}`);
        if (err instanceof HttpError) throw err;
        throw storeDown(err);
      });
    // Only an execution this call wrote has the runs leased for it: not one reused, limited or stale.
    const wrote = (outcome: InvocationOutcome) => (outcome.execution && !outcome.execution.reused ? outcome.execution.id : undefined);
    const { result: outcome, handedAll } = item.execution
      ? await writeHandedOff(deps.handOff, item.execution, add, wrote)
      : { result: await add(), handedAll: false };
    if (outcome.result !== 'stale') deps.onInvocation?.(outcome.result);
    if (wrote(outcome) !== undefined && !handedAll) deps.onStarted();
    return outcome;
  }

  function executionFor(target: HookTarget, call: HookCall, headersJson: string) {
    const now = clock.now();
    const trigger = {
      type: 'webhook' as const,
      body: call.body?.value ?? null,
      bodyJson: call.body?.json,
      headers: call.headers,
      headersJson,
      parameters: call.parameters ?? {},
      idempotencyKey: call.idempotencyKey,
      hook: { id: target.hook.id, trigger_id: target.hook.trigger_id },
      test: call.test,
    };
    return newExecution(target.job, target.spec, trigger, now, now, target.plan);
  }

  /** Logs a refused call; it starts nothing, so the log is written after the answer. */
  function reject(target: HookTarget, call: HookCall, verdict: Verdict): Promise<unknown> {
    deps.onInvocation?.(verdict.result);
    return deps.invocations.add(record(target, call, verdict, JSON.stringify(call.headers)));
  }

  /** The status a held call was answered with, once its execution ended (or the wait did). */
  function answered(invocationId: string, status: number): Promise<void> {
    return store.setInvocationStatus(invocationId, status);
  }

  return { find, byId, commit, reject, answered };
}

export type HookCalls = ReturnType<typeof createHookCalls>;

/** The verdict of a call whose checks passed: accepted, or filtered by its conditions. */
export function conditionsVerdict(conditions: ConditionsOutcome): Verdict {
  if (conditions.met) return { result: 'accepted', status: 200, reason: null };
  const why = conditions.error ? `could not be evaluated: ${conditions.error}` : 'is false';
  return { result: 'filtered', status: 204, reason: `condition ${conditions.condition} ${why}` };
}
