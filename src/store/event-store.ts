/** The store's side of events: publishing them with their deliveries, reading them, pausing endpoints. */
import type { Dialect, Driver } from './driver.js';
import { lockGates, opensAtOnce, release, saveHealth, type GateRow } from './endpoint-gate.js';
import * as e from './event-queries.js';
import {
  eventsJobOf, eventTrigger, type DeliveryGate, type EndpointHealth, type EventFilter, type EventRow, type FilterError, type NewDelivery, type NewEvent, type PublishedEvent,
} from './event-rows.js';
import { insertRun, prepareExecutions } from './insert-execution.js';
import type { EndpointState, NewExecution } from './rows.js';

/**
 * Writes events, each with one delivery per endpoint it goes to, in one transaction. An event id
 * seen in its namespace within `windowMs` returns the first event and delivers nothing again. A
 * delivery is born due when nothing gates its endpoint, held otherwise, and the gate then lets
 * through what the endpoint takes.
 */
export async function publishEvents(tx: Driver, dialect: Dialect, items: NewEvent[], windowMs: number): Promise<PublishedEvent[]> {
  if (items.length === 0) return [];
  const now = items[0].created_at;
  for (const ns of new Set(items.map((i) => i.namespace))) await tx.execute(e.ENSURE_EVENTS_JOB, [eventsJobOf(ns), ns, now, now]);
  const rows = await lockGates(tx, dialect, items.flatMap((i) => i.deliveries.map((d) => d.endpoint)));
  const { created, writes } = await prepareExecutions(tx, items.map((item) => executionOf(item, rows)), windowMs);
  for (const w of writes) await tx.execute(w.sql, w.params);
  const fresh = items.filter((_, i) => !created[i].reused);
  const silent = fresh.filter((item) => !item.deliveries.some((d) => rows.has(d.endpoint))).map((item) => item.id);
  if (silent.length > 0) await tx.execute(e.endEventsNow(silent.length), [now, ...silent]);
  for (const [row, gate] of gated(fresh, rows)) await release(tx, row, gate, now);
  for (const item of fresh) await saveFilterErrors(tx, item.id, item.filter_errors);
  return items.map((item, i) => ({ id: created[i].id, event_id: item.event_id, reused: created[i].reused }));
}

/** Kept on the event, so that an endpoint left out for a filter that could not be evaluated is not left out silently. */
async function saveFilterErrors(tx: Driver, id: string, errors: FilterError[] | undefined): Promise<void> {
  if (errors && errors.length > 0) await tx.execute(e.SET_FILTER_ERRORS, [JSON.stringify(errors), id]);
}

function executionOf(item: NewEvent, rows: Map<string, GateRow>): NewExecution {
  return {
    id: item.id,
    job_id: eventsJobOf(item.namespace),
    namespace: item.namespace,
    trigger_type: 'event',
    trigger: eventTrigger(item.event_id, item.payload),
    spec: '{}',
    scheduled_time: item.created_at,
    idempotency_key: item.event_id,
    event_type: item.type,
    created_at: item.created_at,
    runs: item.deliveries
      .filter((d) => rows.has(d.endpoint))
      .map((d) => ({
        id: d.run_id,
        kind: 'delivery' as const,
        name: d.endpoint,
        max_attempts: d.max_attempts,
        timeout_ms: d.timeout_ms,
        message_id: item.event_id,
        held: !opensAtOnce(rows.get(d.endpoint)!, d.gate),
      })),
  };
}

/** The endpoints of these events whose deliveries were born held, with their gates. */
function gated(items: NewEvent[], rows: Map<string, GateRow>): Array<[GateRow, DeliveryGate]> {
  const found = new Map<string, [GateRow, DeliveryGate]>();
  for (const d of items.flatMap((i) => i.deliveries)) {
    const row = rows.get(d.endpoint);
    if (row && !opensAtOnce(row, d.gate)) found.set(d.endpoint, [row, d.gate]);
  }
  return [...found.values()];
}

/** An event by the id receivers see (in its namespace), or by its own. */
export async function getEvent(db: Driver, namespace: string, id: string): Promise<EventRow | undefined> {
  const [byEventId] = await db.query<EventRow>(e.EVENT_BY_EVENT_ID, [eventsJobOf(namespace), id]);
  if (byEventId) return byEventId;
  const [byId] = await db.query<EventRow>(e.EVENT_BY_ID, [id]);
  return byId?.namespace === namespace ? byId : undefined;
}

export function listEvents(db: Driver, filter: EventFilter, limit: number, before?: { created_at: number; id: string }): Promise<EventRow[]> {
  const until = before?.created_at ?? filter.until ?? Number.MAX_SAFE_INTEGER;
  const params = [eventsJobOf(filter.namespace), ...(filter.type ? [filter.type] : []), filter.since ?? 0, until, until, before?.id ?? '', limit];
  return db.query<EventRow>(e.listEvents(filter.type !== undefined, filter.status), params);
}

/**
 * Pauses an endpoint (its due deliveries are held) or makes it active again (paused or disabled:
 * its failure streak and circuit start afresh, and its held deliveries go out as it takes them).
 */
export async function setEndpointState(tx: Driver, dialect: Dialect, name: string, state: Exclude<EndpointState, 'disabled'>, gate: DeliveryGate, now: number): Promise<EndpointHealth | undefined> {
  const row = (await lockGates(tx, dialect, [name])).get(name);
  if (!row) return undefined;
  if (state === 'paused' && row.state === 'active') {
    Object.assign(row, { state, state_reason: 'paused by hand', state_at: now });
    await tx.execute(e.HOLD_PENDING, [name]);
  } else if (state === 'active' && row.state !== 'active') {
    Object.assign(row, { state, state_reason: null, state_at: now, failure_streak: 0, failing_since: null, probe_at: null, probes: 0 });
  }
  await saveHealth(tx, row, now);
  await release(tx, row, gate, now);
  const { name: _n, namespace: _ns, next_slot_at: _s, read: _r, ...health } = row;
  return { ...health, state_at: row.state_at ?? null };
}

/**
 * Gives a raised event (internal-events.ts) its deliveries, once: the node whose transaction moves
 * it out of `routing` writes them; another that tries after finds it moved and writes nothing.
 */
export async function routeEvent(tx: Driver, dialect: Dialect, id: string, eventId: string, deliveries: NewDelivery[], now: number, filterErrors?: FilterError[]): Promise<void> {
  const rows = await lockGates(tx, dialect, deliveries.map((d) => d.endpoint));
  if ((await tx.execute(e.START_ROUTED, [id])) === 0) return;
  await saveFilterErrors(tx, id, filterErrors);
  const kept = deliveries.filter((d) => rows.has(d.endpoint));
  for (const d of kept) {
    const run = { id: d.run_id, kind: 'delivery' as const, name: d.endpoint, max_attempts: d.max_attempts, timeout_ms: d.timeout_ms, message_id: eventId };
    await insertRun(tx, id, { ...run, held: !opensAtOnce(rows.get(d.endpoint)!, d.gate) }, now);
  }
  if (kept.length === 0) await tx.execute(e.endEventsNow(1), [now, id]);
  for (const d of kept) if (!opensAtOnce(rows.get(d.endpoint)!, d.gate)) await release(tx, rows.get(d.endpoint)!, d.gate, now);
}
