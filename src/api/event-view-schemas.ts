/** The shapes of events and deliveries as the API answers them (see events/event-view.ts). */
import { z } from 'zod';
import { attemptView, endpointView, RUN_STATUSES, time, timeOrNull } from './view-schemas.js';

export const deliveryView = z
  .object({
    id: z.string(),
    endpoint: z.string(),
    status: z.enum(RUN_STATUSES).meta({ description: 'held: its endpoint does not take it yet (paused, disabled, circuit open, or not its turn).' }),
    attempts: z.number().int(),
    max_attempts: z.number().int(),
    next_attempt_at: timeOrNull,
    last_error: z.string().nullable(),
    created_at: time,
    finished_at: timeOrNull,
    attempt_log: z.array(attemptView).optional(),
  })
  .meta({ id: 'Delivery', description: 'One event on its way to one endpoint, with its attempts.' });

export const eventView = z
  .object({
    id: z.string().meta({ description: "The event's id: each delivery's webhook-id." }),
    type: z.string(),
    namespace: z.string(),
    payload: z.unknown().meta({ description: 'The payload as published.' }),
    status: z.enum(RUN_STATUSES).meta({ description: 'pending until every delivery ended; then succeeded, or failed when one failed.' }),
    created_at: time,
    finished_at: timeOrNull,
    filter_errors: z
      .array(z.object({ endpoint: z.string(), error: z.string() }))
      .meta({ description: 'Endpoints subscribed to the event that got no delivery because their filter could not be evaluated (past its deadline, or failing), and why.' }),
    deliveries: z.array(deliveryView).optional(),
  })
  .meta({ id: 'Event', description: 'A published event; read alone, with its deliveries.' });

export const publishedView = z
  .object({
    id: z.string(),
    namespace: z.string(),
    type: z.string(),
    duplicate: z.boolean().meta({ description: 'An event of this id was published within 24 hours: that one stands, nothing is delivered again.' }),
  })
  .meta({ id: 'PublishedEvent' });

export const rotatedView = endpointView
  .extend({
    new_signing_secret: z.string().optional().meta({ description: 'The secret Hookline made, shown this once.' }),
    new_signing_key: z.string().optional().meta({ description: 'The Ed25519 key Hookline made, shown this once.' }),
    public_key: z.string().optional().meta({ description: "The new key's public key (whpk_)." }),
  })
  .meta({ id: 'RotatedEndpoint', description: 'The endpoint after a rotation.' });

export const publicKeyView = z
  .object({
    public_key: z.string().meta({ description: 'whpk_ and the base64 of the Ed25519 public key.' }),
    previous: z.array(z.object({ public_key: z.string(), until: time })).meta({ description: 'Keys rotated out that still sign until their time.' }),
  })
  .meta({ id: 'PublicKey' });

export const replayView = z
  .object({
    dry_run: z.boolean(),
    resent: z.number().int().meta({ description: 'Deliveries sent again (or that would be).' }),
    added: z.number().int().meta({ description: 'Deliveries made of events the endpoint never had.' }),
    truncated: z.boolean().meta({ description: 'More matched than one replay sends (50,000): narrow the range, or replay again.' }),
  })
  .meta({ id: 'ReplayResult' });

export const eventTypeView = z
  .object({
    name: z.string(),
    description: z.string().nullable(),
    schema: z.record(z.string(), z.unknown()).nullable().meta({ description: 'The JSON Schema its payloads must match, or null.' }),
    created_at: time,
    updated_at: time,
  })
  .meta({ id: 'EventType', description: 'An entry of the event type catalogue.' });
