import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { gateOf } from '../endpoints/delivery-settings.js';
import { endpointSchema, type Endpoint } from '../endpoints/endpoint-schema.js';
import { DEFAULT_OVERLAP } from '../endpoints/signing-routes.js';
import { parseDuration } from '../duration.js';
import { newSigningSecret } from '../http/signing.js';
import { ENDPOINT_NAME } from '../jobs/webhook-schema.js';
import type { ApplicationRow, EndpointRow } from '../store/store.js';
import { applicationOf, endpointOf, iteratorOf, legacyUid, limitOf, type SvixContext } from './svix-context.js';
import { svixConflict, svixInvalid, svixParse } from './svix-errors.js';
import { endpointOut, listResponse } from './svix-views.js';

const endpointIn = z.looseObject({
  url: z.string(),
  description: z.string().max(4096).nullish(),
  filterTypes: z.array(z.string()).max(100).nullish(),
  rateLimit: z.number().int().min(1).max(65_535).nullish(),
  uid: z.string().regex(ENDPOINT_NAME).nullish(),
  secret: z.string().nullish(),
  disabled: z.boolean().nullish(),
  headers: z.record(z.string(), z.string()).nullish(),
});
type EndpointIn = z.output<typeof endpointIn>;
const SECRET = /^whsec_[A-Za-z0-9+/]{16,}={0,2}$/;
const dateTime = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'must be a date-time');
const timeRange = z.looseObject({ since: dateTime, until: dateTime.nullish() });

/** The Hookline endpoint a Svix endpoint is: its filter types its subscriptions (all, when none), its rate limit per second. */
function toEndpoint(input: EndpointIn, app: ApplicationRow, name: string, previous?: Endpoint): Endpoint {
  const { name: _n, namespace: _ns, url: _u, description: _d, subscriptions: _s, rate_limit: _r, previous_signing: _p, ...kept } = previous ?? ({} as Endpoint);
  const candidate = {
    ...kept,
    name,
    namespace: app.namespace,
    url: input.url,
    ...(input.description ? { description: input.description } : {}),
    subscriptions: input.filterTypes && input.filterTypes.length > 0 ? input.filterTypes : ['*'],
    ...(input.rateLimit ? { rate_limit: { deliveries: input.rateLimit, per: '1s' } } : {}),
    ...(input.headers ? { headers: { 'Content-Type': 'application/json', ...input.headers } } : {}),
    signing_secret: input.secret ?? previous?.signing_secret ?? newSigningSecret(),
  };
  const parsed = endpointSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = ({ subscriptions: 'filterTypes', rate_limit: 'rateLimit', signing_secret: 'secret' } as Record<string, string>)[String(issue.path[0])] ?? issue.path.join('.');
    throw svixInvalid(field, issue.message);
  }
  return parsed.data;
}

/** Svix endpoints of an application: Hookline endpoints in its namespace, with recovery and replay over Hookline's replays. */
export function svixEndpointRoutes(ctx: SvixContext) {
  const { store, codec, clock } = ctx;
  type Params = { app_id: string; endpoint_id: string };

  async function setDisabled(row: EndpointRow, endpoint: Endpoint, disabled: boolean | null | undefined): Promise<EndpointRow> {
    if (disabled === null || disabled === undefined || disabled === ((row.state ?? 'active') !== 'active')) return row;
    const health = await store.setEndpointState(row.name, disabled ? 'paused' : 'active', gateOf(endpoint), clock.now());
    return { ...row, ...health };
  }

  async function backgroundReplay(params: Params, body: unknown, task: 'endpoint.recover' | 'endpoint.replay') {
    const app = await applicationOf(ctx, params.app_id);
    const { row } = await endpointOf(ctx, app, params.endpoint_id);
    const range = svixParse(timeRange, body);
    const missing = task === 'endpoint.replay';
    const result = await ctx.replay({
      namespace: app.namespace, endpoint: row.name, types: [], since: Date.parse(range.since), until: range.until ? Date.parse(range.until) : clock.now() + 1,
      statuses: missing ? [] : ['failed'], skipReceived: false, missing, dryRun: false,
    });
    if (result.resent + result.added > 0) ctx.onSent();
    return { id: `qtask_${randomBytes(12).toString('hex')}`, status: 'finished', task };
  }

  return async function register(app: FastifyInstance): Promise<void> {
    app.post<{ Params: { app_id: string } }>('/api/v1/app/:app_id/endpoint', async (request, reply) => {
      const application = await applicationOf(ctx, request.params.app_id);
      const input = svixParse(endpointIn, request.body);
      // Its name is Hookline's, made up; its uid is the application's own, unique within it alone.
      const endpoint = toEndpoint(input, application, `ep_${randomBytes(12).toString('hex')}`);
      const row = codec.toRow(endpoint, undefined, clock.now());
      const inserted = input.uid ? await store.insertUidEndpoint(row, input.uid) : await store.insertEndpoint(row);
      if (!inserted) throw svixConflict('An endpoint with this uid exists in this application');
      return reply.code(201).send(endpointOut(await setDisabled(row, endpoint, input.disabled), endpoint, input.uid ?? null));
    });

    app.get<{ Params: { app_id: string } }>('/api/v1/app/:app_id/endpoint', async (request) => {
      const application = await applicationOf(ctx, request.params.app_id);
      const limit = limitOf(request.query);
      const rows = await store.listEndpoints(limit, iteratorOf(request.query), application.namespace);
      const uids = await store.endpointUids(rows.map((r) => r.name));
      return listResponse(rows.map((r) => endpointOut(r, codec.open(r), uids.get(r.name) ?? legacyUid(r.name))), limit, (last) => last.id);
    });

    app.get<{ Params: Params }>('/api/v1/app/:app_id/endpoint/:endpoint_id', async (request) => {
      const { row, endpoint, uid } = await endpointOf(ctx, await applicationOf(ctx, request.params.app_id), request.params.endpoint_id);
      return endpointOut(row, endpoint, uid);
    });

    app.put<{ Params: Params }>('/api/v1/app/:app_id/endpoint/:endpoint_id', async (request) => {
      const application = await applicationOf(ctx, request.params.app_id);
      const found = await endpointOf(ctx, application, request.params.endpoint_id);
      const input = svixParse(endpointIn.omit({ secret: true }), request.body);
      const endpoint = toEndpoint(input, application, found.row.name, found.endpoint);
      const row = codec.toRow(endpoint, found.row, clock.now());
      await store.upsertEndpoint(row);
      return endpointOut(await setDisabled({ ...found.row, ...row }, endpoint, input.disabled), endpoint, found.uid);
    });

    app.delete<{ Params: Params }>('/api/v1/app/:app_id/endpoint/:endpoint_id', async (request, reply) => {
      const { row } = await endpointOf(ctx, await applicationOf(ctx, request.params.app_id), request.params.endpoint_id);
      const { usedBy } = await store.deleteEndpoint(row.name, clock.now());
      if (usedBy.length > 0) throw svixConflict(`The endpoint is used by the jobs ${usedBy.join(', ')}`);
      return reply.code(204).send();
    });

    /** Svix's API reads the signing secret back: the one answer of Hookline that holds a secret, as Svix's clients expect. */
    app.get<{ Params: Params }>('/api/v1/app/:app_id/endpoint/:endpoint_id/secret', async (request) => {
      const { endpoint } = await endpointOf(ctx, await applicationOf(ctx, request.params.app_id), request.params.endpoint_id);
      return { key: endpoint.signing_secret ?? null };
    });

    app.post<{ Params: Params }>('/api/v1/app/:app_id/endpoint/:endpoint_id/secret/rotate', async (request, reply) => {
      const { row, endpoint } = await endpointOf(ctx, await applicationOf(ctx, request.params.app_id), request.params.endpoint_id);
      const { key } = svixParse(z.looseObject({ key: z.string().nullish() }), request.body);
      const secret = key ?? newSigningSecret();
      if (!SECRET.test(secret)) throw svixInvalid('key', 'must be whsec_ followed by base64');
      const now = clock.now();
      // As Svix does, the old secret keeps signing beside the new one for a day.
      const rotated = [...(endpoint.previous_signing ?? []).filter((p) => p.until > now)];
      if (endpoint.signing_secret) rotated.push({ value: endpoint.signing_secret, until: now + parseDuration(DEFAULT_OVERLAP)! });
      const { previous_signing: _p, ...current } = endpoint;
      const sealed = codec.toRow({ ...current, signing_secret: secret }, row, now);
      await store.rotateSigning(row.name, sealed.spec, codec.sealRotated(rotated), now);
      return reply.code(204).send();
    });

    app.post<{ Params: Params }>('/api/v1/app/:app_id/endpoint/:endpoint_id/recover', async (request, reply) =>
      reply.code(202).send(await backgroundReplay(request.params, request.body, 'endpoint.recover')));
    app.post<{ Params: Params }>('/api/v1/app/:app_id/endpoint/:endpoint_id/replay-missing', async (request, reply) =>
      reply.code(202).send(await backgroundReplay(request.params, request.body, 'endpoint.replay')));
  };
}
