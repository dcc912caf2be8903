import { dataFields } from '../api/input-guard.js';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { gateOf } from '../endpoints/delivery-settings.js';
import { EVENT_ID } from '../events/event-schema.js';
import { EVENT_TYPE, EVENT_TYPE_MAX } from '../events/event-type.js';
import { notifySettings } from '../jobs/job-plan.js';
import { applicationOf, endpointOf, iteratorOf, limitOf, timeIterator, type SvixContext } from './svix-context.js';
import { svixInvalid, svixNotFound, svixParse } from './svix-errors.js';
import { attemptOut, eventTypeOut, listResponse, messageOut } from './svix-views.js';

/** Types and ids follow Hookline's own rules (event-schema.ts): a message that could never be delivered is refused, not accepted. */
const eventTypeName = z.string().max(EVENT_TYPE_MAX).regex(EVENT_TYPE, 'must be dot-separated words of letters, digits, "_" or "-", such as invoice.paid');
const messageIn = z.looseObject({
  eventType: eventTypeName,
  payload: z.record(z.string(), z.unknown()),
  eventId: z.string().regex(EVENT_ID, 'must be 1-256 printable characters without spaces').nullish(),
});
const eventTypeIn = z.looseObject({ name: eventTypeName, description: z.string().max(4096), schemas: z.record(z.string(), z.unknown()).nullish() });


/** Svix messages (Hookline events), their attempts, and event types (Hookline's catalogue). */
export function svixMessageRoutes(ctx: SvixContext) {
  const { store, clock } = ctx;
  type AppParams = { app_id: string };

  async function eventOf(appId: string, msgId: string) {
    const app = await applicationOf(ctx, appId);
    const event = await store.getEvent(app.namespace, msgId);
    if (!event) throw svixNotFound('Message');
    return { app, event };
  }

  return async function register(app: FastifyInstance): Promise<void> {
    app.post<{ Params: AppParams }>('/api/v1/app/:app_id/msg', dataFields('payload'), async (request, reply) => {
      const application = await applicationOf(ctx, request.params.app_id);
      const input = svixParse(messageIn, request.body);
      const published = await ctx.publisher.publish({
        namespace: application.namespace, type: input.eventType, payload: input.payload, payloadJson: JSON.stringify(input.payload), id: input.eventId ?? undefined,
      });
      if (!published.reused) ctx.onSent();
      const event = await store.getEvent(application.namespace, published.event_id);
      return reply.code(202).send(messageOut(event!));
    });

    app.get<{ Params: AppParams }>('/api/v1/app/:app_id/msg', async (request) => {
      const application = await applicationOf(ctx, request.params.app_id);
      const limit = limitOf(request.query);
      const position = timeIterator(request.query);
      const rows = await store.listEvents({ namespace: application.namespace }, limit, position && { created_at: position.at, id: position.id });
      const page = listResponse(rows, limit, (last) => `${Number(last.created_at)}~${last.id}`);
      return { ...page, data: rows.map(messageOut) };
    });

    app.get<{ Params: AppParams & { msg_id: string } }>('/api/v1/app/:app_id/msg/:msg_id', async (request) => messageOut((await eventOf(request.params.app_id, request.params.msg_id)).event));

    app.get<{ Params: AppParams & { msg_id: string } }>('/api/v1/app/:app_id/attempt/msg/:msg_id', async (request) => {
      const { event } = await eventOf(request.params.app_id, request.params.msg_id);
      const [deliveries, attempts] = await Promise.all([store.listDeliveries(event.id), store.listAttempts(event.id)]);
      const endpointOfRun = new Map(deliveries.map((d) => [d.id, d.endpoint]));
      const msgId = messageOut(event).id;
      const data = attempts.reverse().map((a) => attemptOut({ ...a, response: a.response_body }, msgId, endpointOfRun.get(a.run_id) ?? '', JSON.parse(a.request).url ?? ''));
      return listResponse(data, Number.MAX_SAFE_INTEGER, () => '');
    });

    app.get<{ Params: AppParams & { endpoint_id: string } }>('/api/v1/app/:app_id/attempt/endpoint/:endpoint_id', async (request) => {
      const application = await applicationOf(ctx, request.params.app_id);
      const { row, endpoint } = await endpointOf(ctx, application, request.params.endpoint_id);
      const limit = limitOf(request.query);
      const position = timeIterator(request.query);
      const before = position && { started_at: position.at, id: position.id };
      const rows = (await store.listEndpointAttempts(row.name, limit, before)).filter((a) => a.kind === 'delivery');
      const data = rows.map((a) => attemptOut(a, a.message_id, row.name, endpoint.url));
      return listResponse(data, limit, (last) => `${Date.parse(last.timestamp)}~${last.id}`);
    });

    app.post<{ Params: AppParams & { msg_id: string; endpoint_id: string } }>('/api/v1/app/:app_id/msg/:msg_id/endpoint/:endpoint_id/resend', async (request, reply) => {
      const { app: application, event } = await eventOf(request.params.app_id, request.params.msg_id);
      const { row, endpoint } = await endpointOf(ctx, application, request.params.endpoint_id);
      const delivery = await store.getDelivery(event.id, row.name);
      if (!delivery) throw svixNotFound('Message attempt');
      const settings = { gate: gateOf(endpoint), max_attempts: notifySettings(endpoint).maxAttempts };
      await store.replay({ resend: [{ run_id: delivery.id, endpoint: row.name, execution_id: event.id }], add: [], endpoints: { [row.name]: settings } }, clock.now());
      ctx.onSent();
      return reply.code(202).send({});
    });

    app.post('/api/v1/event-type', async (request, reply) => {
      const input = svixParse(eventTypeIn, request.body);
      const schema = input.schemas ? (Object.values(input.schemas)[0] as Record<string, unknown>) : undefined;
      const problem = schema === undefined ? undefined : await ctx.evaluation.schema(schema);
      if (problem) throw svixInvalid(`schemas.1${problem.path ? `.${problem.path}` : ''}`, problem.message);
      const now = clock.now();
      const previous = await store.getEventType(input.name);
      const row = { name: input.name, description: input.description, schema: schema ? JSON.stringify(schema) : null, created_at: previous ? Number(previous.created_at) : now, updated_at: now };
      await store.upsertEventType(row);
      return reply.code(201).send(eventTypeOut(row));
    });

    app.get('/api/v1/event-type', async (request) => {
      const limit = limitOf(request.query);
      const rows = await store.listEventTypes(limit, iteratorOf(request.query));
      return listResponse(rows.map(eventTypeOut), limit, (last) => last.name);
    });
  };
}
