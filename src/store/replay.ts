/** The store's side of replays: finding what a filter picks, and sending deliveries again or for the first time. */
import type { Dialect, Driver } from './driver.js';
import { lockGates, opensAtOnce, release } from './endpoint-gate.js';
import { eventsJobOf } from './event-rows.js';
import { insertRun } from './insert-execution.js';
import * as q from './replay-queries.js';
import type { MissingCandidate, ReplayBatch, ReplayCursor, ReplayFilter, ResendCandidate } from './replay-rows.js';

const FIRST: ReplayCursor = { created_at: -1, id: '' };

function rangeParams(f: ReplayFilter, after: ReplayCursor): unknown[] {
  return [eventsJobOf(f.namespace), f.since, f.until, after.created_at, after.created_at, after.id];
}

/** Existing deliveries the filter picks, oldest event first, after `after`. */
export function deliveriesToResend(db: Driver, f: ReplayFilter, limit: number, after: ReplayCursor = FIRST): Promise<ResendCandidate[]> {
  const types = q.typeCondition(f.types);
  const sql = q.deliveriesToResend(f.statuses.length, f.endpoint !== undefined, types.sql, f.skipReceived);
  const cursor = [...rangeParams(f, after), after.id, after.endpoint ?? ''];
  return db.query<ResendCandidate>(sql, [...cursor, ...types.params, ...f.statuses, ...(f.endpoint ? [f.endpoint] : []), limit]);
}

/** Events in the filter's range and of `patterns` (an endpoint's subscriptions) that `endpoint` never had a delivery of. */
export function eventsMissing(db: Driver, f: ReplayFilter & { endpoint: string }, patterns: string[], limit: number, after: ReplayCursor = FIRST): Promise<MissingCandidate[]> {
  const types = q.typeCondition(f.types);
  const subscribed = q.typeCondition(patterns);
  const sql = q.eventsMissing(`${types.sql} ${subscribed.sql}`);
  return db.query<MissingCandidate>(sql, [...rangeParams(f, after), ...types.params, ...subscribed.params, f.endpoint, limit]);
}

/**
 * Sends deliveries again (those that ended) and for the first time (events an endpoint never had),
 * as the endpoints' gates allow; their events are open again. Returns how many went out.
 */
export async function replay(tx: Driver, dialect: Dialect, batch: ReplayBatch, now: number): Promise<number> {
  const names = [...batch.resend.map((r) => r.endpoint), ...batch.add.map((a) => a.delivery.endpoint)];
  const rows = await lockGates(tx, dialect, names);
  const reopened = new Set<string>();
  let sent = 0;
  for (const r of batch.resend) {
    const row = rows.get(r.endpoint);
    const settings = batch.endpoints[r.endpoint];
    if (!row || !settings) continue;
    const status = opensAtOnce(row, settings.gate) ? 'pending' : 'held';
    if ((await tx.execute(q.RESEND, [status, settings.max_attempts, now, now, r.run_id])) === 0) continue;
    reopened.add(r.execution_id);
    sent++;
  }
  for (const a of batch.add) {
    const row = rows.get(a.delivery.endpoint);
    if (!row) continue;
    const d = a.delivery;
    const run = { id: d.run_id, kind: 'delivery' as const, name: d.endpoint, max_attempts: d.max_attempts, timeout_ms: d.timeout_ms, message_id: a.event_id };
    await insertRun(tx, a.execution_id, { ...run, held: !opensAtOnce(row, d.gate) }, now);
    reopened.add(a.execution_id);
    sent++;
  }
  const ids = [...reopened];
  for (let at = 0; at < ids.length; at += 200) await tx.execute(q.reopenEvents(Math.min(200, ids.length - at)), [now, ...ids.slice(at, at + 200)]);
  for (const [name, row] of rows) {
    const settings = batch.endpoints[name];
    if (settings && !opensAtOnce(row, settings.gate)) await release(tx, row, settings.gate, now);
  }
  return sent;
}
