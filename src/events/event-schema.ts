import { z } from 'zod';
import { RFC3339 } from '../scheduler/schedule-schema.js';
import { NAMESPACE } from '../jobs/job-schema.js';
import { pageQuery, queryChoice, queryText } from '../api/query.js';
import { EVENT_TYPE, EVENT_TYPE_MAX } from './event-type.js';

/** An event id as publishers give it (and as Idempotency-Key carries it): printable, no spaces. */
export const EVENT_ID = /^[\x21-\x7e]{1,256}$/;
const NAMESPACE_RULE = 'must be 1-128 lower-case letters, digits, ".", "_" or "-"';

/** `POST /api/v1/events`: a type, any JSON payload, and optionally a namespace and the event's id. */
export const publishSchema = z
  .object({
    type: z.string().max(EVENT_TYPE_MAX).regex(EVENT_TYPE, 'must be dot-separated words of letters, digits, "_" or "-", such as invoice.paid'),
    payload: z.custom<unknown>((v) => v !== undefined, 'is required: any JSON value'),
    namespace: z.string().regex(NAMESPACE, NAMESPACE_RULE).default('default'),
    id: z.string().regex(EVENT_ID, 'must be 1-256 printable characters without spaces').optional(),
  })
  .strict();

/** A time given as RFC 3339, read as epoch milliseconds. */
export const rfc3339Time = z
  .string()
  .refine((v) => RFC3339.test(v) && !Number.isNaN(Date.parse(v)), 'must be an RFC 3339 time such as 2026-12-01T09:00:00Z')
  .transform((v) => Date.parse(v));

export const namespaceQuery = z.string().regex(NAMESPACE, NAMESPACE_RULE).default('default');

/** `GET /api/v1/events`: a namespace's events, newest first, by type and time. */
export const eventsQuery = z.object({
  namespace: namespaceQuery.meta({ description: 'The namespace whose events are listed; `default` when left out.' }),
  type: queryText.optional().meta({ description: 'Only events of this type.' }),
  status: queryChoice(['pending', 'succeeded', 'failed']).optional().meta({ description: 'Only events whose deliveries all succeeded, of which one failed, or that still have deliveries to make (pending).' }),
  since: rfc3339Time.optional().meta({ description: 'Only events published at or after this RFC 3339 time.' }),
  until: rfc3339Time.optional().meta({ description: 'Only events published before this RFC 3339 time.' }),
  ...pageQuery,
});

export const oneEventQuery = z.object({ namespace: namespaceQuery.meta({ description: "The event's namespace; `default` when left out." }) });
