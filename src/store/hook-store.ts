/** The store's side of hooks: their rows written with their jobs, invocations, rate counters, retention. */
import type { Driver } from './driver.js';
import * as q from './hook-queries.js';
import { insertExecution } from './insert-execution.js';
import {
  RATE_LIMITED_STATUS,
  type HookDeclaration,
  type HookFilter,
  type HookRow,
  type InvocationCursor,
  type InvocationOutcome,
  type InvocationResult,
  type InvocationRow,
  type NewInvocation,
  type RateLimit,
  type UnaddressedHook,
} from './store.js';

const flag = (value: boolean | undefined) => (value === undefined ? null : value ? 1 : 0);

/** `,failed,succeeded,`: matched with LIKE when an execution ends. */
const stopAfterText = (statuses: readonly string[]) => (statuses.length === 0 ? null : `,${statuses.join(',')},`);

/** Brings a job's hooks in line with its triggers: new ones made, listed ones updated, the rest deleted. */
export async function syncHooks(tx: Driver, job: { id: string; namespace: string; updated_at: number }, declared: HookDeclaration[]): Promise<void> {
  const keep = new Set(declared.map((h) => h.trigger_id));
  for (const { trigger_id } of await tx.query<{ trigger_id: string }>(q.HOOK_TRIGGER_IDS, [job.id])) {
    if (!keep.has(trigger_id)) await tx.execute(q.DELETE_HOOK, [job.id, trigger_id]);
  }
  for (const h of declared) {
    const enabled = flag(h.enabled);
    await tx.execute(q.UPSERT_HOOK, [
      h.id, job.id, h.trigger_id, job.namespace, enabled, stopAfterText(h.stop_after), job.updated_at, job.updated_at, h.address, enabled, enabled,
    ]);
  }
}

export const hooksOfJob = (db: Driver, jobId: string) => db.query<HookRow>(q.HOOKS_OF_JOB, [jobId]);

export async function hookAtAddress(db: Driver, address: string): Promise<{ id: string; job_id: string } | undefined> {
  return (await db.query<{ id: string; job_id: string }>(q.HOOK_AT_ADDRESS, [address]))[0];
}

export const hooksWithoutAddress = (db: Driver, limit: number) => db.query<UnaddressedHook>(q.HOOKS_WITHOUT_ADDRESS, [limit]);

export async function setHookAddresses(tx: Driver, items: Array<{ id: string; address: string }>): Promise<void> {
  for (const { id, address } of items) await tx.execute(q.SET_HOOK_ADDRESS, [address, id]);
}

export async function getHook(db: Driver, id: string): Promise<HookRow | undefined> {
  return (await db.query<HookRow>(q.GET_HOOK, [id]))[0];
}

export function listHooks(db: Driver, filter: HookFilter, limit: number, afterId = ''): Promise<HookRow[]> {
  const ns = filter.namespace ?? null;
  const job = filter.job_id ?? null;
  const enabled = flag(filter.enabled);
  return db.query<HookRow>(q.LIST_HOOKS, [afterId, ns, ns, job, job, enabled, enabled, limit]);
}

export function hooksOfJobs(db: Driver, jobIds: string[]): Promise<HookRow[]> {
  return jobIds.length === 0 ? Promise.resolve([]) : db.query<HookRow>(q.hooksOfJobs(jobIds.length), jobIds);
}

export async function setHookEnabled(tx: Driver, id: string, enabled: boolean, now: number): Promise<HookRow | undefined> {
  if ((await tx.execute(q.SET_HOOK_ENABLED, [enabled ? 1 : 0, now, id])) === 0) return undefined;
  return getHook(tx, id);
}

/** stopAfter: after an execution a hook started ends as `status`, the hook disables itself if it says so. */
export async function stopHookAfter(tx: Driver, hookId: string, executionId: string, status: string, now: number): Promise<void> {
  await tx.execute(q.STOP_HOOK, [`stopAfter: execution ${executionId} ${status}`, now, hookId, `%,${status},%`]);
}

/** Writes a batch of hook calls; see Store.recordInvocations. */
export async function recordInvocations(tx: Driver, items: NewInvocation[], windowMs: number): Promise<InvocationOutcome[]> {
  const stale = await staleCalls(tx, items);
  const counters = await lockCounters(tx, items.filter((i) => !stale.has(i)));
  const outcomes: InvocationOutcome[] = [];
  const lastCall = new Map<string, number>();
  for (const item of items) {
    if (stale.has(item)) {
      outcomes.push({ id: item.id, result: 'stale', status_code: 0 });
      continue;
    }
    outcomes.push(await recordOne(tx, item, counters, windowMs));
    lastCall.set(item.hook_id, Math.max(lastCall.get(item.hook_id) ?? 0, item.received_at));
  }
  for (const c of counters.values()) if (c.taken > 0) await tx.execute(q.SET_RATE_COUNT, [c.count, c.scope, c.window_start]);
  for (const [hookId, at] of [...lastCall].sort(([a], [b]) => (a < b ? -1 : 1))) await tx.execute(q.TOUCH_HOOK, [at, hookId, at]);
  return outcomes;
}

/** Calls judged on a job spec that has changed since, or on a hook now disabled or gone. */
async function staleCalls(tx: Driver, items: NewInvocation[]): Promise<Set<NewInvocation>> {
  const current = new Map<string, { enabled: number; spec: string } | undefined>();
  for (const { hook_id } of items) {
    if (!current.has(hook_id)) current.set(hook_id, (await tx.query<{ enabled: number; spec: string }>(q.HOOK_AND_SPEC, [hook_id]))[0]);
  }
  const stale = new Set<NewInvocation>();
  for (const item of items) {
    const now = current.get(item.hook_id);
    const judgedOn = item.judged_spec ?? item.execution?.spec;
    if (!now || (judgedOn !== undefined && (now.spec !== judgedOn || (now.enabled !== 1 && !item.test)))) stale.add(item);
  }
  return stale;
}

interface Counter {
  scope: string;
  window_start: number;
  count: number;
  taken: number;
}

/** Every counter the batch uses, read and locked in one order before any call is counted. */
async function lockCounters(tx: Driver, items: NewInvocation[]): Promise<Map<string, Counter>> {
  const wanted = new Map<string, RateLimit>();
  for (const item of items) for (const l of item.limits) wanted.set(counterKey(l), l);
  const counters = new Map<string, Counter>();
  for (const key of [...wanted.keys()].sort()) {
    const { scope, window_start } = wanted.get(key)!;
    const [row] = await tx.query<{ count: number }>(q.LOCK_RATE_COUNT, [scope, window_start]);
    counters.set(key, { scope, window_start, count: Number(row.count), taken: 0 });
  }
  return counters;
}

const counterKey = (l: RateLimit) => `${l.scope}@${l.window_start}`;

async function recordOne(tx: Driver, item: NewInvocation, counters: Map<string, Counter>, windowMs: number): Promise<InvocationOutcome> {
  const limited = takeLimits(item.limits, counters);
  let outcome: InvocationOutcome = { id: item.id, result: item.result, status_code: item.status_code };
  let reason = item.reason;
  if (limited) {
    outcome = { id: item.id, result: 'rate_limited', status_code: RATE_LIMITED_STATUS, limited };
    reason = limited.reason;
  } else if (item.result === 'accepted' && item.execution) {
    const execution = await insertExecution(tx, item.execution, windowMs, true); // its hook, so its job, was just read
    outcome.execution = execution;
    if (execution.reused) reason = 'a repeated delivery: the first execution stands for it';
  }
  // A call that started an execution has its headers and body kept there, not twice.
  const started = outcome.execution !== undefined && !outcome.execution.reused;
  await tx.execute(q.INSERT_INVOCATION, [
    item.id, item.hook_id, item.received_at, item.source_ip, item.method, item.query, started ? null : item.headers,
    started ? null : item.body, item.body_size, item.body_truncated, outcome.result, reason, outcome.status_code,
    outcome.execution?.id ?? null, item.test ? 1 : 0,
  ]);
  return outcome;
}

/** Counts the call against every limit when each has room; otherwise returns the first one full. */
function takeLimits(limits: RateLimit[], counters: Map<string, Counter>): RateLimit | undefined {
  const full = limits.find((l) => counters.get(counterKey(l))!.count >= l.limit);
  if (full) return full;
  for (const l of limits) {
    const c = counters.get(counterKey(l))!;
    c.count++;
    c.taken++;
  }
  return undefined;
}

export async function setInvocationStatus(db: Driver, id: string, statusCode: number): Promise<void> {
  await db.execute(q.SET_INVOCATION_STATUS, [statusCode, id]);
}

export function listInvocations(
  db: Driver,
  hookId: string,
  limit: number,
  before?: InvocationCursor,
  result?: InvocationResult,
): Promise<InvocationRow[]> {
  const at = before?.received_at ?? null;
  const kind = result ?? null;
  return db.query<InvocationRow>(q.LIST_INVOCATIONS, [hookId, at, at, at, before?.id ?? null, kind, kind, limit]);
}
