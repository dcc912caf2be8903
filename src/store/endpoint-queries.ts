/** The SQL of reusable endpoints and of which jobs name them. */
import { marks } from './queries.js';

const COLUMNS = `name, spec, namespace, created_at, updated_at, previous_signing,
  state, state_reason, state_at, failure_streak, failing_since, probe_at, probes`;

export const INSERT_ENDPOINT = `
INSERT INTO endpoints (name, spec, namespace, created_at, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING`;

export const UPSERT_ENDPOINT = `
INSERT INTO endpoints (name, spec, namespace, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (name) DO UPDATE SET spec = excluded.spec, namespace = excluded.namespace, updated_at = excluded.updated_at`;

export const FORGET_SUBSCRIPTIONS = `DELETE FROM subscriptions WHERE endpoint = ?`;
export const SUBSCRIBE = `INSERT INTO subscriptions (namespace, pattern, endpoint) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`;

export const ENDPOINT_EXISTS = `SELECT 1 AS found FROM endpoints WHERE name = ?`;
export const getEndpoints = (count: number) => `SELECT ${COLUMNS} FROM endpoints WHERE name IN (${marks(count)})`;
export const LIST_ENDPOINTS = `SELECT ${COLUMNS} FROM endpoints WHERE name > ? ORDER BY name LIMIT ?`;
/** A namespace's endpoints, by its own index. */
export const LIST_NAMESPACE_ENDPOINTS = `SELECT ${COLUMNS} FROM endpoints WHERE namespace = ? AND name > ? ORDER BY name LIMIT ?`;
export const DELETE_ENDPOINT = `DELETE FROM endpoints WHERE name = ?`;

export const JOBS_NAMING = `SELECT job_id FROM job_endpoints WHERE endpoint = ? ORDER BY job_id LIMIT 100`;
export const FORGET_JOB_ENDPOINTS = `DELETE FROM job_endpoints WHERE job_id = ?`;
export const NAME_ENDPOINT = `INSERT INTO job_endpoints (job_id, endpoint) VALUES (?, ?) ON CONFLICT DO NOTHING`;

/** The endpoints of a namespace subscribed with any of these patterns. */
export const subscribedEndpoints = (patterns: number) => `
SELECT ${COLUMNS} FROM endpoints
WHERE name IN (SELECT endpoint FROM subscriptions WHERE namespace = ? AND pattern IN (${marks(patterns)})) ORDER BY name`;

/** A rotation: the new secret or key in the spec, those rotated out beside it (sealed). */
export const ROTATE_SIGNING = `UPDATE endpoints SET spec = ?, previous_signing = ?, updated_at = ? WHERE name = ?`;

/** A deleted endpoint's deliveries not yet made fail. */
export const FAIL_UNMADE_DELIVERIES = `
UPDATE runs SET status = 'failed', last_error = 'the endpoint was deleted', finished_at = ?, updated_at = ?
WHERE kind = 'delivery' AND name = ? AND status IN ('held', 'pending')
RETURNING execution_id`;
