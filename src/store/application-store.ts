/** Svix applications (namespaces with a name and uid), and what deleting one takes with it. */
import type { Driver } from './driver.js';
import { eventsJobOf } from './event-rows.js';

export interface ApplicationRow {
  namespace: string;
  name: string;
  uid: string | null;
  created_at: number;
  updated_at: number;
}

const COLUMNS = 'namespace, name, uid, created_at, updated_at';

export const INSERT_APPLICATION = `INSERT INTO applications (${COLUMNS}) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`;
export const UPDATE_APPLICATION = `UPDATE applications SET name = ?, uid = ?, updated_at = ? WHERE namespace = ?`;
/** By id first: an id never resolves to the application that has it as its uid. */
export const GET_APPLICATION = `SELECT ${COLUMNS} FROM applications WHERE namespace = ? OR uid = ? ORDER BY CASE WHEN namespace = ? THEN 0 ELSE 1 END LIMIT 1`;
export const LIST_APPLICATIONS = `SELECT ${COLUMNS} FROM applications WHERE namespace > ? ORDER BY namespace LIMIT ?`;
const DELETE_APPLICATION = `DELETE FROM applications WHERE namespace = ?`;
/** An application's endpoints go with it, but those a job names. */
const DELETE_ENDPOINTS_OF = `DELETE FROM endpoints WHERE namespace = ? AND name NOT IN (SELECT endpoint FROM job_endpoints)`;
/** And its events, with their deliveries and attempts. */
const DELETE_EVENTS_OF = `DELETE FROM jobs WHERE id = ?`;

/** A batch of an application's events, oldest first, with their deliveries and attempts (foreign keys). */
const DELETE_EVENTS_BATCH = `
DELETE FROM executions WHERE id IN (
  SELECT id FROM executions WHERE job_id = ? AND event_type IS NOT NULL ORDER BY created_at, id LIMIT ?)`;

/**
 * Deletes up to `batch` of an application's events; returns how many went. Called until it deletes
 * fewer than a batch, each call a transaction of its own, so that deleting a large application never
 * holds the store's writer for long (as retention does).
 */
export function deleteApplicationEvents(tx: Driver, namespace: string, batch: number): Promise<number> {
  return tx.execute(DELETE_EVENTS_BATCH, [eventsJobOf(namespace), batch]);
}

/** Deletes the application, its endpoints (but those a job names) and what is left of its events. */
export async function deleteApplication(tx: Driver, namespace: string): Promise<boolean> {
  if ((await tx.execute(DELETE_APPLICATION, [namespace])) === 0) return false;
  await tx.execute(DELETE_ENDPOINTS_OF, [namespace]);
  await tx.execute(DELETE_EVENTS_OF, [eventsJobOf(namespace)]);
  return true;
}

/** Svix endpoint uids, unique within their application (namespace), each naming a Hookline endpoint. */
const INSERT_UID = `INSERT INTO endpoint_uids (namespace, uid, endpoint) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`;
const ENDPOINT_BY_UID = `SELECT endpoint FROM endpoint_uids WHERE namespace = ? AND uid = ?`;
export const uidsOf = (count: number) => `SELECT endpoint, uid FROM endpoint_uids WHERE endpoint IN (${Array.from({ length: count }, () => '?').join(', ')})`;

/** Gives an endpoint a uid in its namespace; false when another endpoint there has it. */
export async function setEndpointUid(tx: Driver, namespace: string, uid: string, endpoint: string): Promise<boolean> {
  return (await tx.execute(INSERT_UID, [namespace, uid, endpoint])) === 1;
}

export async function endpointByUid(db: Driver, namespace: string, uid: string): Promise<string | undefined> {
  return (await db.query<{ endpoint: string }>(ENDPOINT_BY_UID, [namespace, uid]))[0]?.endpoint;
}

/** The uids of these endpoints, by endpoint name. */
export async function endpointUids(db: Driver, names: string[]): Promise<Map<string, string>> {
  if (names.length === 0) return new Map();
  return new Map((await db.query<{ endpoint: string; uid: string }>(uidsOf(names.length), names)).map((r) => [r.endpoint, r.uid]));
}
