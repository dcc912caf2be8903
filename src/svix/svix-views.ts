/** Hookline's rows in the shapes Svix's clients parse (ApplicationOut, EndpointOut, MessageOut, ...). */
import type { Endpoint } from '../endpoints/endpoint-schema.js';
import type { ApplicationRow, AttemptRow, EndpointRow, EventRow, EventTypeRow } from '../store/store.js';

const iso = (ms: number | string) => new Date(Number(ms)).toISOString();

export function applicationOut(row: ApplicationRow) {
  return { id: row.namespace, name: row.name, uid: row.uid, rateLimit: null, metadata: {}, createdAt: iso(row.created_at), updatedAt: iso(row.updated_at) };
}

/** Endpoints Hookline names for Svix (`ep_...`) have no uid of their own; the rest are named after theirs. */
export const GENERATED_ENDPOINT = /^ep_[a-z0-9]+$/;

export function endpointOut(row: EndpointRow, endpoint: Endpoint, uid: string | null) {
  const types = endpoint.subscriptions ?? [];
  const perSecond = endpoint.rate_limit && endpoint.rate_limit.per === '1s' ? endpoint.rate_limit.deliveries : null;
  return {
    id: row.name,
    uid,
    url: endpoint.url,
    description: endpoint.description ?? '',
    filterTypes: types.length === 0 || types.includes('*') ? null : types,
    rateLimit: perSecond,
    disabled: (row.state ?? 'active') !== 'active',
    version: 1,
    channels: null,
    metadata: {},
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export function messageOut(row: EventRow) {
  const trigger = JSON.parse(row.trigger) as { id: string; body: unknown; event_id?: string };
  return { id: trigger.id, eventId: trigger.id.startsWith('evt_') ? null : trigger.id, eventType: row.type, payload: trigger.body, channels: null, tags: null, timestamp: iso(row.created_at) };
}

/** An attempt: 0 success, 2 fail (Svix's MessageStatus). */
export function attemptOut(a: Pick<AttemptRow, 'id' | 'started_at' | 'duration_ms' | 'status_code' | 'error'> & { response?: string | null }, msgId: string, endpointId: string, url: string) {
  const ok = a.error === null;
  return {
    id: a.id,
    msgId,
    endpointId,
    url,
    response: a.response ?? '',
    responseStatusCode: a.status_code ?? 0,
    responseDurationMs: Number(a.duration_ms),
    status: ok ? 0 : 2,
    statusText: ok ? 'success' : 'fail',
    triggerType: 0,
    timestamp: iso(a.started_at),
  };
}

export function eventTypeOut(row: EventTypeRow) {
  return {
    name: row.name,
    description: row.description ?? '',
    archived: false,
    deprecated: false,
    schemas: row.schema ? { '1': JSON.parse(row.schema) as unknown } : null,
    featureFlag: null,
    featureFlags: null,
    groupName: null,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

/** Svix's list shape: a page, the iterator of the next, and whether there is none. */
export function listResponse<T>(data: T[], limit: number, next: (last: T) => string) {
  const done = data.length < limit;
  return { data, iterator: done || data.length === 0 ? null : next(data[data.length - 1]), prevIterator: null, done };
}
