/** The SQL of reusable endpoints and of which jobs name them. */
import { marks } from './queries.js';

const COLUMNS = 'name, spec, created_at, updated_at';

export const INSERT_ENDPOINT = `
INSERT INTO endpoints (name, spec, created_at, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING`;

export const UPSERT_ENDPOINT = `
INSERT INTO endpoints (name, spec, created_at, updated_at) VALUES (?, ?, ?, ?)
ON CONFLICT (name) DO UPDATE SET spec = excluded.spec, updated_at = excluded.updated_at`;

export const ENDPOINT_EXISTS = `SELECT 1 AS found FROM endpoints WHERE name = ?`;
export const getEndpoints = (count: number) => `SELECT ${COLUMNS} FROM endpoints WHERE name IN (${marks(count)})`;
export const LIST_ENDPOINTS = `SELECT ${COLUMNS} FROM endpoints WHERE name > ? ORDER BY name LIMIT ?`;
export const DELETE_ENDPOINT = `DELETE FROM endpoints WHERE name = ?`;

export const JOBS_NAMING = `SELECT job_id FROM job_endpoints WHERE endpoint = ? ORDER BY job_id LIMIT 100`;
export const FORGET_JOB_ENDPOINTS = `DELETE FROM job_endpoints WHERE job_id = ?`;
export const NAME_ENDPOINT = `INSERT INTO job_endpoints (job_id, endpoint) VALUES (?, ?) ON CONFLICT DO NOTHING`;
