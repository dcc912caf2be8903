/**
 * The endpoint gate: which of an endpoint's deliveries go out, and when. A delivery its endpoint
 * does not take yet waits `held` (out of the claim's index, so it takes no worker slot); the gate
 * lets held deliveries through as the endpoint allows — all at once; one at a time in event order
 * (FIFO); spaced by its rate limit; or, while its circuit is open, one probe at a time. Every
 * change to an endpoint's gate state happens with its row locked, so nodes take turns.
 */
import type { DeliveryGate } from './delivery-gate.js';
import type { Dialect, Driver } from './driver.js';
import * as e from './event-queries.js';
import type { EndpointState } from './rows.js';

/** An endpoint's gate state, as read (and locked) in a transaction that may change it. */
export interface GateRow {
  name: string;
  namespace: string;
  state: EndpointState;
  state_reason: string | null;
  state_at?: number | null;
  failure_streak: number;
  failing_since: number | null;
  probe_at: number | null;
  probes: number;
  next_slot_at: number | null;
  /** Its health as read (healthKey), so that a row no outcome changed is not written again. */
  read?: string;
}

/** What of an endpoint's health its deliveries' outcomes change. */
export const healthKey = (r: GateRow): string => [r.state, r.state_reason, r.failure_streak, r.failing_since, r.probe_at, r.probes].join('|');

/** Rate-limited deliveries given a time at once, at most: more are let through as these go. */
export const SLOTTED_AHEAD = 200;

/** Reads and locks the gate rows of these endpoints (those that exist), in name order. */
export async function lockGates(tx: Driver, dialect: Dialect, names: string[]): Promise<Map<string, GateRow>> {
  const sorted = [...new Set(names)].sort();
  const rows = new Map<string, GateRow>();
  for (let at = 0; at < sorted.length; at += 200) {
    const some = sorted.slice(at, at + 200);
    for (const row of await tx.query<GateRow>(e.lockEndpoints(some.length, dialect.rowLock), some)) rows.set(row.name, normal(row));
  }
  return rows;
}

function normal(row: GateRow): GateRow {
  const n = (v: number | string | null) => (v === null ? null : Number(v));
  const typed = {
    ...row,
    failure_streak: Number(row.failure_streak),
    probes: Number(row.probes),
    state_at: n(row.state_at ?? null),
    failing_since: n(row.failing_since),
    probe_at: n(row.probe_at),
    next_slot_at: n(row.next_slot_at),
  };
  return { ...typed, read: healthKey(typed) };
}

/** A new delivery to this endpoint may be born due: nothing gates it. */
export const opensAtOnce = (row: GateRow, gate: DeliveryGate): boolean =>
  row.state === 'active' && row.probe_at === null && !gate.fifo && gate.slot_ms === 0;

/** Lets the endpoint's held deliveries through as far as it takes them now. */
export async function release(tx: Driver, row: GateRow, gate: DeliveryGate, now: number): Promise<void> {
  if (row.state !== 'active') return;
  if (row.probe_at !== null || gate.fifo) return promoteNext(tx, row, gate, now);
  if (gate.slot_ms > 0) return promoteSlotted(tx, row, gate, now);
  await tx.execute(e.PROMOTE_ALL, [now, now, row.name]);
}

const inFlight = async (tx: Driver, name: string) => Number((await tx.query<{ n: number }>(e.IN_FLIGHT, [name]))[0].n);

/** One delivery at a time (FIFO, or a probe of an open circuit): the oldest held one, once none is in flight. */
async function promoteNext(tx: Driver, row: GateRow, gate: DeliveryGate, now: number): Promise<void> {
  if ((await inFlight(tx, row.name)) > 0) return;
  const [next] = await tx.query<{ id: string; due_at: number }>(e.HELD, [row.name, 1]);
  if (!next) return;
  const due = Math.max(Number(next.due_at), now, row.probe_at ?? 0, gate.slot_ms > 0 ? (row.next_slot_at ?? 0) : 0);
  await tx.execute(e.promote(1), [next.id, due, next.id]);
  if (gate.slot_ms > 0) await takeSlot(tx, row, due + gate.slot_ms);
}

/** Held deliveries of a rate-limited endpoint, each given the next free slot; at most SLOTTED_AHEAD wait due. */
async function promoteSlotted(tx: Driver, row: GateRow, gate: DeliveryGate, now: number): Promise<void> {
  const room = SLOTTED_AHEAD - (await inFlight(tx, row.name));
  if (room <= 0) return;
  const held = await tx.query<{ id: string; due_at: number }>(e.HELD, [row.name, room]);
  if (held.length === 0) return;
  let slot = Math.max(now, row.next_slot_at ?? 0);
  const pairs: unknown[] = [];
  for (const h of held) {
    const due = Math.max(Number(h.due_at), slot);
    pairs.push(h.id, due);
    slot = due + gate.slot_ms;
  }
  await tx.execute(e.promote(held.length), [...pairs, ...held.map((h) => h.id)]);
  await takeSlot(tx, row, slot);
}

/** A retry of a rate-limited endpoint's delivery takes the next free slot from its due time on. */
export async function slotRetry(tx: Driver, row: GateRow, gate: DeliveryGate, runId: string, dueAt: number): Promise<void> {
  const due = Math.max(dueAt, row.next_slot_at ?? 0);
  if (due !== dueAt) await tx.execute(e.MOVE_RUN, [due, runId]);
  await takeSlot(tx, row, due + gate.slot_ms);
}

async function takeSlot(tx: Driver, row: GateRow, next: number): Promise<void> {
  row.next_slot_at = next;
  await tx.execute(e.SET_NEXT_SLOT, [next, row.name]);
}

/** Writes the endpoint's health as it now stands. */
export async function saveHealth(tx: Driver, row: GateRow, now: number): Promise<void> {
  await tx.execute(e.SAVE_HEALTH, [
    row.state, row.state_reason, row.state_at ?? now, row.failure_streak, row.failing_since, row.probe_at, row.probes, row.name,
  ]);
}
