/** The rows of events and their deliveries, and what the store needs to know of an endpoint to gate them. */
import type { DeliveryGate } from './delivery-gate.js';
import type { EndpointState, RunStatus } from './rows.js';

export type { DeliveryGate };

/** One event on its way to one endpoint, as it is published. */
export interface NewDelivery {
  run_id: string;
  endpoint: string;
  max_attempts: number;
  timeout_ms: number;
  gate: DeliveryGate;
}

/** An endpoint whose filter could not be evaluated for an event, so it got no delivery of it. */
export interface FilterError {
  endpoint: string;
  error: string;
}

export interface NewEvent {
  /** The row's own id (an execution of the namespace's events job). */
  id: string;
  /** The event's id as receivers see it (`webhook-id`): the publisher's, or made up. */
  event_id: string;
  namespace: string;
  type: string;
  /** JSON text, kept once however many endpoints receive it. */
  payload: string;
  created_at: number;
  deliveries: NewDelivery[];
  /** Endpoints left out because their filter could not be evaluated. */
  filter_errors?: FilterError[];
}

export interface PublishedEvent {
  id: string;
  event_id: string;
  /** An event of this id was published within the idempotency window: this is it, delivered nothing again. */
  reused: boolean;
}

export interface EventRow {
  id: string;
  namespace: string;
  type: string;
  /** `{"type": "event", "id": <event id>, "body": <payload>}` as JSON text (see eventTrigger). */
  trigger: string;
  status: RunStatus;
  /** Attempts of all its deliveries, once it has ended. */
  attempts: number;
  created_at: number;
  finished_at: number | null;
  /** JSON text of FilterError[], or null. */
  filter_errors: string | null;
}

/** An event as its execution keeps it: what its deliveries send, and what the console and the API show. */
export function eventTrigger(eventId: string, payload: string): string {
  return `{"type":"event","id":${JSON.stringify(eventId)},"body":${payload}}`;
}

export interface EventFilter {
  namespace: string;
  type?: string;
  /** Ended so (succeeded, failed), or not ended yet (pending). */
  status?: 'pending' | 'succeeded' | 'failed';
  /** Epoch ms, inclusive / exclusive. */
  since?: number;
  until?: number;
}

export interface DeliveryRow {
  id: string;
  execution_id: string;
  endpoint: string;
  status: RunStatus;
  attempt: number;
  max_attempts: number;
  due_at: number;
  last_error: string | null;
  created_at: number;
  finished_at: number | null;
}

/** An endpoint's health as its deliveries leave it. */
export interface EndpointHealth {
  state: EndpointState;
  state_reason: string | null;
  state_at: number | null;
  failure_streak: number;
  failing_since: number | null;
  /** While its circuit is open: when the next probe is due. */
  probe_at: number | null;
  probes: number;
}

/** The names the events job of a namespace goes by: never a job a user can name (`:` is not allowed there). */
export const EVENTS_JOB_PREFIX = 'events:';
export const eventsJobOf = (namespace: string) => `${EVENTS_JOB_PREFIX}${namespace}`;

/** An entry of the event type catalogue. */
export interface EventTypeRow {
  name: string;
  description: string | null;
  /** A JSON Schema (as JSON text) each payload of the type must match, or null. */
  schema: string | null;
  created_at: number;
  updated_at: number;
}
