/**
 * A batch of hook calls written in one transaction: calls judged on a spec or hook that has since
 * changed are stale; the rest are counted against their rate limits in order (every counter the
 * batch uses locked first, in one order, by one statement); then the executions of the calls
 * accepted, every call's invocation, the counters and each hook's last call are written together
 * (one statement where the store allows, see writeTogether).
 */
import type { Dialect, Driver } from './driver.js';
import * as q from './hook-queries.js';
import { insertKeyedExecutions } from './insert-execution.js';
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
  const stale = await staleCalls(tx, dialect, items);
  const counters = await lockCounters(tx, items.filter((i) => !stale.has(i)));
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

/**
 * Calls judged on a job spec that has changed since, or on a hook now disabled or gone. Where rows
 * are locked one by one, the hooks read are locked too, in id order (so two nodes' batches take them
 * alike), and stay so until the batch writes their last calls.
 */
async function staleCalls(tx: Driver, dialect: Dialect, items: NewInvocation[]): Promise<Set<NewInvocation>> {
  const ids = [...new Set(items.map((i) => i.hook_id))].sort();
  const current = new Map<string, { enabled: number; spec: string }>();
  for (let at = 0; at < ids.length; at += ROWS_PER_STATEMENT) {
    const some = ids.slice(at, at + ROWS_PER_STATEMENT);
    for (const row of await tx.query<{ id: string; enabled: number; spec: string }>(q.hooksAndSpecs(some.length, !dialect.oneWriter), some)) current.set(row.id, row);
  }
  const stale = new Set<NewInvocation>();
  for (const item of items) {
    const now = current.get(item.hook_id);
    const judgedOn = item.judged_spec ?? item.execution?.spec;
    if (!now || (judgedOn !== undefined && (now.spec !== judgedOn || (now.enabled !== 1 && !item.test)))) stale.add(item);
  }
  return stale;
}

/** Every counter the batch uses, read and locked in one order before any call is counted. */
async function lockCounters(tx: Driver, items: NewInvocation[]): Promise<Map<string, Counter>> {
  const wanted = new Map<string, RateLimit>();
  for (const item of items) for (const l of item.limits) wanted.set(counterKey(l), l);
  const keys = [...wanted.keys()].sort();
  const counters = new Map<string, Counter>();
  for (let at = 0; at < keys.length; at += ROWS_PER_STATEMENT) {
    const some = keys.slice(at, at + ROWS_PER_STATEMENT).map((key) => wanted.get(key)!);
    const rows = await tx.query<{ scope: string; window_start: number; count: number }>(q.lockRateCounts(some.length), some.flatMap((l) => [l.scope, l.window_start]));
    for (const row of rows) {
      const counter = { scope: row.scope, window_start: Number(row.window_start), count: Number(row.count), taken: 0 };
      counters.set(counterKey(counter), counter);
    }
  }
  return counters;
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

/**
 * Tells each outcome of a call accepted its execution: those with an idempotency key are written
 * now (insertKeyedExecutions); returns the writes of the rest.
 */
async function startExecutions(tx: Driver, taken: Taken[], windowMs: number): Promise<Write[]> {
  const starting = taken.flatMap(({ item, outcome }) => (outcome.result === 'accepted' && item.execution ? [{ outcome, execution: item.execution }] : []));
  // The hooks were just read, so their jobs exist.
  const { created, writes } = await insertKeyedExecutions(tx, starting.map((s) => s.execution), windowMs);
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

/** Each hook's last call (the hooks were locked when read: see staleCalls). */
function lastCalls(items: NewInvocation[]): Write[] {
  const lastCall = new Map<string, number>();
  for (const item of items) lastCall.set(item.hook_id, Math.max(lastCall.get(item.hook_id) ?? 0, item.received_at));
  return [...lastCall].map(([hookId, at]) => ({ sql: q.TOUCH_HOOK, params: [at, hookId, at] }));
}
