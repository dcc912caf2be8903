/** The SQL of replays: which deliveries and events a replay's filter picks, and sending them again. */
import { marks } from './queries.js';

/** A filter's conditions on the event type: an exact type, a prefix (`a.*`), or any (`*`). */
export function typeCondition(patterns: string[]): { sql: string; params: unknown[] } {
  if (patterns.length === 0 || patterns.includes('*')) return { sql: '', params: [] };
  const parts: string[] = [];
  const params: unknown[] = [];
  for (const p of patterns) {
    if (p.endsWith('.*')) {
      parts.push('substr(e.event_type, 1, ?) = ?');
      params.push(p.length - 1, p.slice(0, -1));
    } else {
      parts.push('e.event_type = ?');
      params.push(p);
    }
  }
  return { sql: `AND (${parts.join(' OR ')})`, params };
}

/** Events of a namespace's events job published in [since, until), after a (created_at, id) cursor. */
const EVENTS_IN_RANGE = `e.job_id = ? AND e.event_type IS NOT NULL AND e.created_at >= ? AND e.created_at < ?
  AND (e.created_at > ? OR (e.created_at = ? AND e.id > ?))`;

/** The same, after a (created_at, id, endpoint) cursor: an event's deliveries may be split between pages. */
const DELIVERIES_IN_RANGE = `e.job_id = ? AND e.event_type IS NOT NULL AND e.created_at >= ? AND e.created_at < ?
  AND (e.created_at > ? OR (e.created_at = ? AND (e.id > ? OR (e.id = ? AND r.name > ?))))`;

/** Existing deliveries in the range, of the statuses given, of one endpoint or all; optionally only those never received. */
export const deliveriesToResend = (statuses: number, byEndpoint: boolean, types: string, unreceived: boolean) => `
SELECT r.id AS run_id, r.name AS endpoint, e.id AS execution_id, e.created_at AS created_at
FROM executions e JOIN runs r ON r.execution_id = e.id
WHERE ${DELIVERIES_IN_RANGE} ${types}
  AND r.kind = 'delivery' AND r.status IN (${marks(statuses)}) ${byEndpoint ? 'AND r.name = ?' : ''}
  ${unreceived ? 'AND NOT EXISTS (SELECT 1 FROM attempts a WHERE a.run_id = r.id AND a.error IS NULL)' : ''}
ORDER BY e.created_at, e.id, r.name LIMIT ?`;

/** Events in the range an endpoint never had a delivery of. */
export const eventsMissing = (types: string) => `
SELECT e.id AS execution_id, e.event_type AS type, e.trigger AS trigger, e.created_at AS created_at
FROM executions e
WHERE ${EVENTS_IN_RANGE} ${types}
  AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.execution_id = e.id AND r.kind = 'delivery' AND r.name = ?)
ORDER BY e.created_at, e.id LIMIT ?`;

/** A delivery that ended goes out again, with attempts anew; `status` is pending or held (its endpoint's gate). */
export const RESEND = `
UPDATE runs SET status = ?, max_attempts = attempt + ?, due_at = ?, last_error = NULL, finished_at = NULL, updated_at = ?
WHERE id = ? AND kind = 'delivery' AND status IN ('succeeded', 'failed')`;

/** Events with a delivery sent again are open again. */
export const reopenEvents = (count: number) => `
UPDATE executions SET status = 'pending', finished_at = NULL, retried_at = ? WHERE id IN (${marks(count)})`;

export const DELIVERY_OF = `
SELECT id, execution_id, name AS endpoint, status, attempt, max_attempts, due_at, last_error, created_at, finished_at
FROM runs WHERE execution_id = ? AND kind = 'delivery' AND name = ?`;
