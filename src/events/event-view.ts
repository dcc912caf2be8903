import { attemptView } from '../jobs/execution-view.js';
import type { AttemptRow, DeliveryRow, EventRow } from '../store/store.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

/** An event as the API shows it: its id as receivers see it, type, payload and how its deliveries stand. */
export function eventView(row: EventRow, deliveries?: DeliveryRow[], attempts?: AttemptRow[]) {
  const trigger = JSON.parse(row.trigger) as { id: string; body: unknown };
  return {
    id: trigger.id,
    type: row.type,
    namespace: row.namespace,
    payload: trigger.body,
    status: row.status,
    created_at: iso(row.created_at),
    finished_at: iso(row.finished_at),
    filter_errors: row.filter_errors ? (JSON.parse(row.filter_errors) as Array<{ endpoint: string; error: string }>) : [],
    ...(deliveries ? { deliveries: deliveries.map((d) => deliveryView(d, attempts?.filter((a) => a.run_id === d.id))) } : {}),
  };
}

/** One event's way to one endpoint: how it stands, when it tries next, and its attempts. */
export function deliveryView(d: DeliveryRow, attempts?: AttemptRow[]) {
  return {
    id: d.id,
    endpoint: d.endpoint,
    status: d.status,
    attempts: Number(d.attempt),
    max_attempts: Number(d.max_attempts),
    next_attempt_at: d.status === 'pending' ? iso(d.due_at) : null,
    last_error: d.last_error,
    created_at: iso(d.created_at),
    finished_at: iso(d.finished_at),
    ...(attempts ? { attempt_log: attempts.map((a) => attemptView(a)) } : {}),
  };
}
