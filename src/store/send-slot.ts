/**
 * The last word on a rate-limited endpoint's pace: the time each delivery is actually sent. Slots
 * given when deliveries are let through (endpoint-gate.ts) space their due times, but a worker may
 * claim one late and the next on time, so due times alone let two sends come closer than their
 * slot. Just before a delivery is sent, its endpoint's row is locked and its last send read: the
 * delivery goes only a whole slot after it, else it is put back, due when its slot comes, its attempt
 * not counted. Sends a slot apart put no more than the limit in any window, on any number of nodes.
 */
import type { Dialect, Driver } from './driver.js';

const LAST_SEND = (lock: string) => `SELECT last_send_at FROM endpoints WHERE name = ? ${lock}`;
const SET_LAST_SEND = `UPDATE endpoints SET last_send_at = ? WHERE name = ?`;
const PUT_BACK = `
UPDATE runs SET status = 'pending', attempt = attempt - 1, due_at = ?, lease_owner = NULL, lease_until = NULL, updated_at = ?
WHERE id = ? AND lease_owner = ? AND status = 'running'`;

/** Takes the endpoint's next send for this run now; or puts the run back and returns when its slot comes. */
export async function takeSendSlot(tx: Driver, dialect: Dialect, run: { id: string; owner: string; endpoint: string }, slotMs: number, now: number): Promise<number | undefined> {
  const [row] = await tx.query<{ last_send_at: number | string | null }>(LAST_SEND(dialect.rowLock), [run.endpoint]);
  if (!row) return undefined;
  const last = row.last_send_at === null ? undefined : Number(row.last_send_at);
  if (last === undefined || now >= last + slotMs || now < last - 60_000) {
    await tx.execute(SET_LAST_SEND, [now, run.endpoint]);
    return undefined;
  }
  const due = Math.ceil(last + slotMs);
  await tx.execute(PUT_BACK, [due, now, run.id, run.owner]);
  return due;
}
