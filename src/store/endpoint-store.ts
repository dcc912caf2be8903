/** The store's side of reusable endpoints, and of the jobs that name them. */
import type { Driver } from './driver.js';
import { settleEvents } from './delivery-outcomes.js';
import * as q from './endpoint-queries.js';
import { setEndpointUid } from './application-store.js';
import type { EndpointRow } from './store.js';

/** A job names endpoints that do not exist. */
export class UnknownEndpointError extends Error {
  constructor(readonly names: string[]) {
    super(`no endpoint named ${names.join(', ')}`);
  }
}

const params = (row: EndpointRow) => [row.name, row.spec, row.namespace, row.created_at, row.updated_at];

/** Inserts an endpoint; false when its name is taken. With a Svix `uid`, false too when its namespace has that uid (nothing is written). */
export async function insertEndpoint(tx: Driver, row: EndpointRow, uid?: string): Promise<boolean> {
  if ((await tx.execute(q.INSERT_ENDPOINT, params(row))) !== 1) return false;
  if (uid !== undefined && !(await setEndpointUid(tx, row.namespace, uid, row.name))) throw UID_TAKEN;
  await subscribe(tx, row);
  return true;
}

/** Rolls an endpoint's insert back: its uid is another endpoint's in its namespace. */
export const UID_TAKEN = new Error('the uid is taken in this namespace');

export async function upsertEndpoint(tx: Driver, row: EndpointRow): Promise<'created' | 'updated'> {
  const existed = (await tx.query(q.ENDPOINT_EXISTS, [row.name])).length > 0;
  await tx.execute(q.UPSERT_ENDPOINT, params(row));
  await subscribe(tx, row);
  return existed ? 'updated' : 'created';
}

/** The endpoint's subscriptions become the ones its row lists, in its namespace. */
async function subscribe(tx: Driver, row: EndpointRow): Promise<void> {
  await tx.execute(q.FORGET_SUBSCRIPTIONS, [row.name]);
  for (const pattern of row.subscriptions ?? []) await tx.execute(q.SUBSCRIBE, [row.namespace, pattern, row.name]);
}

export function getEndpoints(db: Driver, names: string[]): Promise<EndpointRow[]> {
  return names.length === 0 ? Promise.resolve([]) : db.query<EndpointRow>(q.getEndpoints(names.length), names);
}

export function listEndpoints(db: Driver, limit: number, afterName = '', namespace?: string): Promise<EndpointRow[]> {
  if (namespace !== undefined) return db.query<EndpointRow>(q.LIST_NAMESPACE_ENDPOINTS, [namespace, afterName, limit]);
  return db.query<EndpointRow>(q.LIST_ENDPOINTS, [afterName, limit]);
}

/**
 * Deletes an endpoint that no job names; otherwise names the jobs (up to 100). Its deliveries not
 * yet made fail (nothing would ever make them), and events left with none open end.
 */
export async function deleteEndpoint(tx: Driver, name: string, now: number): Promise<{ deleted: boolean; usedBy: string[] }> {
  const usedBy = (await tx.query<{ job_id: string }>(q.JOBS_NAMING, [name])).map((r) => r.job_id);
  if (usedBy.length > 0) return { deleted: false, usedBy };
  if ((await tx.execute(q.DELETE_ENDPOINT, [name])) === 0) return { deleted: false, usedBy };
  const failed = await tx.query<{ execution_id: string }>(q.FAIL_UNMADE_DELIVERIES, [now, now, name]);
  await settleEvents(tx, failed.map((r) => r.execution_id), now);
  return { deleted: true, usedBy };
}

/** Records the endpoints a job names, each of which must exist (a job naming them keeps them from deletion). */
export async function syncJobEndpoints(tx: Driver, jobId: string, names: string[]): Promise<void> {
  await tx.execute(q.FORGET_JOB_ENDPOINTS, [jobId]);
  if (names.length === 0) return;
  const found = new Set((await getEndpoints(tx, names)).map((e) => e.name));
  const missing = names.filter((n) => !found.has(n));
  if (missing.length > 0) throw new UnknownEndpointError(missing);
  for (const name of names) await tx.execute(q.NAME_ENDPOINT, [jobId, name]);
}
