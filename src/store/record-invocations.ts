/**
 * A batch of hook calls written in one transaction: calls judged on a spec or hook that has since
 * changed are stale; the rest are counted against their rate limits in order (the hooks and every
 * counter the batch uses locked first, see lockBatch); then the executions of the calls
 * accepted, every call's invocation, the counters and each hook's last call are written together
 * (one statement where the store allows, see writeTogether).
 */
import type { Dialect, Driver } from './driver.js';
import * as q from './hook-queries.js';
import { prepareExecutions } from './insert-execution.js';
import { ROWS_PER_STATEMENT } from './queries.js';
import { RATE_LIMITED_STATUS, type InvocationOutcome, type NewInvocation, type RateLimit } from './hook-rows.js';
import { writeTogether, type Write } from './write-together.js';

/** A call that is not stale, with its outcome. */
interface Taken {
  item: NewInvocation;
  outcome: InvocationOutcome;
}

interface Counter {
  scope: string;
  window_start: number;
  count: number;
  taken: number;
}

/** Writes a batch of hook calls; see Store.recordInvocations. */
export async function recordInvocations(tx: Driver, dialect: Dialect, items: NewInvocation[], windowMs: number): Promise<InvocationOutcome[]> {
  const { hooks, counters } = await lockBatch(tx, dialect, items);
  const stale = staleCalls(items, hooks);
  const outcomes = items.map((item): InvocationOutcome => {
    if (stale.has(item)) return { id: item.id, result: 'stale', status_code: 0 };
    const limited = takeLimits(item.limits, counters);
    if (limited) return { id: item.id, result: 'rate_limited', status_code: RATE_LIMITED_STATUS, limited };
    return { id: item.id, result: item.result, status_code: item.status_code };
  });
  const taken = items.flatMap((item, i): Taken[] => (stale.has(item) ? [] : [{ item, outcome: outcomes[i] }]));
  const executionWrites = await startExecutions(tx, taken, windowMs);
  const counts = [...counters.values()].filter((c) => c.taken > 0).map((c): Write => ({ sql: q.SET_RATE_COUNT, params: [c.count, c.scope, c.window_start] }));
  await writeTogether(tx, dialect, [...executionWrites, ...invocationWrites(taken), ...counts, ...lastCalls(taken.map((t) => t.item))]);
  return outcomes;
}

type HookNow = { enabled: number; spec: string };

/**
 * The batch's hooks with their jobs' specs, and every counter its calls use (made if new): read and
 * locked before any call is counted, the hooks first, then the counters, each kind in one order, so
 * that two nodes' batches take them alike. Where rows are locked one by one the hooks are locked
 * too, and stay so until the batch writes their last calls. One statement where the store takes
 * writes in WITH clauses; otherwise, or for very large batches, one for each kind.
 */
async function lockBatch(tx: Driver, dialect: Dialect, items: NewInvocation[]): Promise<{ hooks: Map<string, HookNow>; counters: Map<string, Counter> }> {
  const hookIds = [...new Set(items.map((i) => i.hook_id))].sort();
  const wanted = new Map<string, RateLimit>();
  for (const item of items) for (const l of item.limits) wanted.set(counterKey(l), l);
  const limits = [...wanted.keys()].sort().map((key) => wanted.get(key)!);
  const counterParams = (some: RateLimit[]) => some.flatMap((l) => [l.scope, l.window_start]);
  const oneStatement = dialect.writingCtes && limits.length > 0 && hookIds.length <= ROWS_PER_STATEMENT && limits.length <= ROWS_PER_STATEMENT;
  if (oneStatement) {
    const rows = await tx.query<HookOrCounter>(q.lockHooksAndCounts(hookIds.length, limits.length), [...hookIds, ...counterParams(limits)]);
    return { hooks: hooksOf(rows.filter((r) => r.kind === 'hook')), counters: countersOf(rows.filter((r) => r.kind === 'counter')) };
  }
  const hookRows: HookOrCounter[] = [];
  for (let at = 0; at < hookIds.length; at += ROWS_PER_STATEMENT) {
    const some = hookIds.slice(at, at + ROWS_PER_STATEMENT);
    hookRows.push(...(await tx.query<HookOrCounter>(q.hooksAndSpecs(some.length, !dialect.oneWriter), some)));
  }
  const counterRows: HookOrCounter[] = [];
  for (let at = 0; at < limits.length; at += ROWS_PER_STATEMENT) {
    const some = limits.slice(at, at + ROWS_PER_STATEMENT);
    counterRows.push(...(await tx.query<HookOrCounter>(q.lockRateCounts(some.length), counterParams(some))));
  }
  return { hooks: hooksOf(hookRows), counters: countersOf(counterRows) };
}

/** A row of q.lockHooksAndCounts: a hook (key: its id) or a counter (key: its scope). */
interface HookOrCounter {
  kind?: 'hook' | 'counter';
  key: string;
  enabled: number;
  spec: string;
  window_start: number;
  count: number;
}

const hooksOf = (rows: HookOrCounter[]) => new Map(rows.map((r): [string, HookNow] => [r.key, { enabled: Number(r.enabled), spec: r.spec }]));

function countersOf(rows: HookOrCounter[]): Map<string, Counter> {
  const counters = new Map<string, Counter>();
  for (const row of rows) {
    const counter = { scope: row.key, window_start: Number(row.window_start), count: Number(row.count), taken: 0 };
    counters.set(counterKey(counter), counter);
  }
  return counters;
}

/** Calls judged on a job spec that has changed since, or on a hook now disabled or gone. */
function staleCalls(items: NewInvocation[], hooks: Map<string, HookNow>): Set<NewInvocation> {
  const stale = new Set<NewInvocation>();
  for (const item of items) {
    const now = hooks.get(item.hook_id);
    const judgedOn = item.judged_spec ?? item.execution?.spec;
    if (!now || (judgedOn !== undefined && (now.spec !== judgedOn || (now.enabled !== 1 && !item.test)))) stale.add(item);
  }
  return stale;
}

const counterKey = (l: { scope: string; window_start: number }) => `${l.scope}@${l.window_start}`;

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

/** Tells each outcome of a call accepted its execution (see prepareExecutions); returns the executions' writes. */
async function startExecutions(tx: Driver, taken: Taken[], windowMs: number): Promise<Write[]> {
  const starting = taken.flatMap(({ item, outcome }) => (outcome.result === 'accepted' && item.execution ? [{ outcome, execution: item.execution }] : []));
  // The hooks were just read, so their jobs exist.
  const { created, writes } = await prepareExecutions(tx, starting.map((s) => s.execution), windowMs);
  starting.forEach((s, i) => (s.outcome.execution = created[i]));
  return writes;
}

/** Every call's invocation; a call that started an execution has its headers and body kept there, not twice. */
function invocationWrites(taken: Taken[]): Write[] {
  const rows = taken.map(({ item, outcome }) => {
    const started = outcome.execution !== undefined && !outcome.execution.reused;
    const reason = outcome.limited?.reason ?? (outcome.execution?.reused ? 'a repeated delivery: the first execution stands for it' : item.reason);
    return [
      item.id, item.hook_id, item.received_at, item.source_ip, item.method, item.query, started ? null : item.headers,
      started ? null : item.body, item.body_size, item.body_truncated, outcome.result, reason, outcome.status_code,
      outcome.execution?.id ?? null, item.test ? 1 : 0,
    ];
  });
  const writes: Write[] = [];
  for (let at = 0; at < rows.length; at += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(at, at + ROWS_PER_STATEMENT);
    writes.push({ sql: q.insertInvocations(chunk.length), params: chunk.flat() });
  }
  return writes;
}

/** Each hook's last call (the hooks were locked when read: see lockBatch). */
function lastCalls(items: NewInvocation[]): Write[] {
  const lastCall = new Map<string, number>();
  for (const item of items) lastCall.set(item.hook_id, Math.max(lastCall.get(item.hook_id) ?? 0, item.received_at));
  return [...lastCall].map(([hookId, at]) => ({ sql: q.TOUCH_HOOK, params: [at, hookId, at] }));
}
