import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseQuery } from '../api/query.js';
import type { Clock } from '../clock.js';
import { gateOf } from '../endpoints/delivery-settings.js';
import { ENDPOINT_NAME } from '../jobs/webhook-schema.js';
import type { EndpointCodec } from '../endpoints/endpoint-codec.js';
import { conflict, notFound } from '../errors.js';
import { notifySettings } from '../jobs/job-plan.js';
import { PARSE_OPTIONS, zodToHttpError } from '../jobs/validate.js';
import type { Store } from '../store/store.js';
import { NAMESPACE } from '../jobs/job-schema.js';
import { SUBSCRIPTION_PATTERN } from './event-type.js';
import { oneEventQuery, rfc3339Time } from './event-schema.js';
import { deliveryView } from './event-view.js';
import type { Replay } from './replayer.js';

const STATUSES = { failed: ['failed'], succeeded: ['succeeded'], all: ['failed', 'succeeded'], none: [] } as const;

/** `POST /api/v1/replays`: which deliveries to send again, and whether to send an endpoint the events it never had. */
export const replaySchema = z
  .object({
    namespace: z.string().regex(NAMESPACE, 'must be 1-128 lower-case letters, digits, ".", "_" or "-"').default('default'),
    endpoint: z.string().regex(ENDPOINT_NAME, 'must name an endpoint').optional().meta({ description: "Only this endpoint's deliveries." }),
    type: z.string().max(256).regex(SUBSCRIPTION_PATTERN, 'must be an event type, a prefix ending in ".*", or "*"').optional(),
    since: rfc3339Time.meta({ description: 'Events published at or after this RFC 3339 time.' }),
    until: rfc3339Time.optional().meta({ description: 'Events published before this time; now when left out.' }),
    status: z.enum(['failed', 'succeeded', 'all', 'none']).default('failed').meta({ description: 'Which ended deliveries go again: failed (the default), succeeded, all, or none (with missing).' }),
    missing: z.boolean().default(false).meta({ description: 'Also send the endpoint (required) the events of its subscriptions it never had.' }),
    skip_received: z.boolean().default(false).meta({ description: 'Leave out deliveries the endpoint answered with success at some attempt.' }),
    dry_run: z.boolean().default(false).meta({ description: 'Count what would be sent, and send nothing.' }),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.missing && r.endpoint === undefined) ctx.addIssue({ code: 'custom', path: ['endpoint'], message: 'is required with missing' });
    if (r.until !== undefined && r.until <= r.since) ctx.addIssue({ code: 'custom', path: ['until'], message: 'must be after since' });
  });

export const resendSchema = z.object({ endpoint: z.string().regex(ENDPOINT_NAME, 'must name an endpoint') }).strict();

/** Sending again: one delivery, or every delivery a filter picks (with a dry run that counts them first). */
export function replayRoutes(deps: { store: Store; codec: EndpointCodec; replay: Replay; clock: Clock; onSent: () => void }) {
  const { store, clock } = deps;
  return async function register(app: FastifyInstance): Promise<void> {
    app.post('/api/v1/replays', async (request, reply) => {
      const parsed = replaySchema.safeParse(request.body ?? {}, PARSE_OPTIONS);
      if (!parsed.success) throw zodToHttpError(parsed.error);
      const r = parsed.data;
      const result = await deps.replay({
        namespace: r.namespace, endpoint: r.endpoint, types: r.type ? [r.type] : [], since: r.since, until: r.until ?? clock.now() + 1,
        statuses: [...STATUSES[r.status]], skipReceived: r.skip_received, missing: r.missing, dryRun: r.dry_run,
      });
      if (!r.dry_run && result.resent + result.added > 0) deps.onSent();
      return reply.code(r.dry_run ? 200 : 202).send(result);
    });

    /** One event's delivery to one endpoint goes again, whatever its end, with its attempts anew. */
    app.post<{ Params: { id: string } }>('/api/v1/events/:id/resend', async (request, reply) => {
      const { namespace } = parseQuery(oneEventQuery, request.query);
      const parsed = resendSchema.safeParse(request.body ?? {}, PARSE_OPTIONS);
      if (!parsed.success) throw zodToHttpError(parsed.error);
      const event = await store.getEvent(namespace, request.params.id);
      const delivery = event && (await store.getDelivery(event.id, parsed.data.endpoint));
      if (!event || !delivery) throw notFound(`delivery of event ${request.params.id} to endpoint ${parsed.data.endpoint}`);
      if (!['succeeded', 'failed'].includes(delivery.status)) throw conflict(`the delivery is ${delivery.status}: only one that ended is sent again`, 'endpoint');
      const [row] = await store.getEndpoints([delivery.endpoint]);
      if (!row) throw notFound(`endpoint ${delivery.endpoint}`);
      const endpoint = deps.codec.open(row);
      const settings = { gate: gateOf(endpoint), max_attempts: notifySettings(endpoint).maxAttempts };
      const batch = { resend: [{ run_id: delivery.id, endpoint: delivery.endpoint, execution_id: event.id }], add: [], endpoints: { [delivery.endpoint]: settings } };
      await store.replay(batch, clock.now());
      deps.onSent();
      return reply.code(202).send(deliveryView((await store.getDelivery(event.id, delivery.endpoint))!));
    });
  };
}
