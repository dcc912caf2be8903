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

export async function deleteApplication(tx: Driver, namespace: string): Promise<boolean> {
  if ((await tx.execute(DELETE_APPLICATION, [namespace])) === 0) return false;
  await tx.execute(DELETE_ENDPOINTS_OF, [namespace]);
  await tx.execute(DELETE_EVENTS_OF, [eventsJobOf(namespace)]);
  return true;
}
