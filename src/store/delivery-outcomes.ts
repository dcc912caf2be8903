/**
 * What a delivery's attempt does to its endpoint: a success ends its failure streak (and closes its
 * circuit); a failure lengthens it, and may open the circuit, push the next probe back, or disable
 * the endpoint (410 Gone at once; failing every delivery for too long). Then the gate lets through
 * what the endpoint now takes, and an event whose deliveries have all ended ends.
 */
import { formatDuration } from '../duration.js';
import type { DeliveryGate } from './delivery-gate.js';
import type { Driver } from './driver.js';
import { healthKey, release, saveHealth, slotRetry, type GateRow } from './endpoint-gate.js';
import * as e from './event-queries.js';
import type { RunCompletion } from './rows.js';

/** Applies each written delivery's outcome to its endpoint's row, read and locked before (lockGates); returns the endpoints it disabled. */
export async function followDeliveries(tx: Driver, items: RunCompletion[], gates: Map<string, GateRow>): Promise<GateRow[]> {
  const disabled: GateRow[] = [];
  for (const item of items) {
    const row = gates.get(item.task_name);
    if (!row || !item.delivery) continue; // the endpoint was deleted
    const before = { state: row.state, open: row.probe_at !== null };
    if (item.outcome === 'succeeded') succeeded(row);
    else failed(row, item, item.delivery);
    if (row.state === 'disabled' && before.state !== 'disabled') disabled.push(row);
    // Deliveries waiting for an endpoint that stopped taking them are held; so is this one's retry.
    if ((row.state !== 'active' && before.state === 'active') || (row.probe_at !== null && !before.open)) await tx.execute(e.HOLD_PENDING, [row.name]);
    if (item.outcome === 'retry' && (row.state !== 'active' || row.probe_at !== null)) await tx.execute(e.HOLD_RUN, [item.run_id]);
    else if (item.outcome === 'retry' && item.delivery.slot_ms > 0) await slotRetry(tx, row, item.delivery, item.run_id, item.due_at!);
  }
  return disabled;
}

function succeeded(row: GateRow): void {
  row.failure_streak = 0;
  row.failing_since = null;
  row.probe_at = null;
  row.probes = 0;
}

function failed(row: GateRow, item: RunCompletion, gate: DeliveryGate): void {
  const now = item.now;
  row.failure_streak += 1;
  row.failing_since ??= now;
  if (item.attempt.status_code === 410) return disable(row, 'the endpoint answered 410 Gone', now);
  if (gate.disable_after_ms > 0 && now - row.failing_since >= gate.disable_after_ms) {
    // The reason names the setting, not the time measured, which depends on when the last attempt ran.
    return disable(row, `every delivery failed for ${formatDuration(gate.disable_after_ms)} or more (its disable_after)`, now);
  }
  if (row.probe_at !== null) {
    // A probe failed (one made at its time: a delivery in flight when the circuit opened is not one):
    // the next waits twice as long, up to the most.
    if (now < row.probe_at) return;
    row.probes += 1;
    row.probe_at = now + Math.min(gate.probe_ms * 2 ** (row.probes - 1), gate.max_probe_ms);
  } else if (row.failure_streak >= gate.breaker_failures) {
    row.probes = 1;
    row.probe_at = now + gate.probe_ms;
  }
}

function disable(row: GateRow, reason: string, now: number): void {
  if (row.state === 'disabled') return;
  row.state = 'disabled';
  row.state_reason = reason;
  row.state_at = now;
}

/**
 * Saves each touched endpoint's health, if its outcomes changed it, and lets through what it now
 * takes. A healthy endpoint that nothing gates holds nothing: a success there writes nothing.
 */
export async function settleGates(tx: Driver, touched: Map<string, { row: GateRow; gate: DeliveryGate }>, now: number): Promise<void> {
  for (const { row, gate } of touched.values()) {
    const changed = healthKey(row) !== row.read;
    if (changed) await saveHealth(tx, row, now);
    if (changed || gate.fifo || gate.slot_ms > 0 || row.probe_at !== null) await release(tx, row, gate, now);
  }
}

/** Events whose deliveries have all ended end: failed if one failed, else succeeded. */
export async function settleEvents(tx: Driver, executionIds: string[], now: number): Promise<void> {
  const ids = [...new Set(executionIds)];
  if (ids.length === 0) return;
  type Tally = { execution_id: string; open: number; failed: number; attempts: number };
  for (const t of await tx.query<Tally>(e.deliveryTallies(ids.length), ids)) {
    if (Number(t.open) > 0) continue;
    await tx.execute(e.END_EVENT, [Number(t.failed) > 0 ? 'failed' : 'succeeded', Number(t.attempts), now, t.execution_id]);
  }
}
