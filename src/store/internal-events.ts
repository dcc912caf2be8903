/**
 * Events Hookline raises itself — an execution or task that ended, an endpoint or hook disabled —
 * written in the transaction that makes them true, so none is lost. Only events some endpoint of
 * their namespace subscribes to are written; each waits `routing` until a router (events/event-router.ts),
 * which knows the endpoints' filters and settings, gives it its deliveries.
 */
import { v7 as uuidv7 } from 'uuid';
import type { Driver } from './driver.js';
import { patternsMatching } from './event-patterns.js';
import * as e from './event-queries.js';
import { eventsJobOf, eventTrigger } from './event-rows.js';

export type InternalEventType = 'execution.succeeded' | 'execution.failed' | 'task.failed' | 'endpoint.disabled' | 'hook.disabled';

export interface RaisedEvent {
  namespace: string;
  type: InternalEventType;
  payload: Record<string, unknown>;
  at: number;
}

/** Writes the events some endpoint subscribes to, each waiting to be routed. */
export async function raiseEvents(tx: Driver, events: RaisedEvent[]): Promise<void> {
  if (events.length === 0) return;
  const namespaces = [...new Set(events.map((ev) => ev.namespace))];
  const patterns = [...new Set(events.flatMap((ev) => patternsMatching(ev.type)))];
  const rows = await tx.query<{ namespace: string; pattern: string }>(e.subscribedPatterns(namespaces.length, patterns.length), [...namespaces, ...patterns]);
  const subscribed = new Set(rows.map((r) => `${r.namespace}\n${r.pattern}`));
  const wanted = events.filter((ev) => patternsMatching(ev.type).some((p) => subscribed.has(`${ev.namespace}\n${p}`)));
  for (const ns of new Set(wanted.map((ev) => ev.namespace))) await tx.execute(e.ENSURE_EVENTS_JOB, [eventsJobOf(ns), ns, wanted[0].at, wanted[0].at]);
  for (const ev of wanted) {
    const id = uuidv7();
    const eventId = `evt_${id.replaceAll('-', '')}`;
    const trigger = eventTrigger(eventId, JSON.stringify({ type: ev.type, ...ev.payload, at: new Date(ev.at).toISOString() }));
    await tx.execute(e.INSERT_RAISED, [id, eventsJobOf(ev.namespace), ev.namespace, trigger, ev.at, eventId, ev.at, ev.type]);
  }
}
