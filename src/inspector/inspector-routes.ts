import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { PUBLIC_ROUTE } from '../api/access.js';
import { parseQuery } from '../api/query.js';
import type { Clock } from '../clock.js';
import { DEFAULTS } from '../config/defaults.js';
import { parseDuration } from '../duration.js';
import { badRequest, notFound } from '../errors.js';
import { signatureProblem, type Verify } from '../hooks/signatures.js';
import { isText } from '../http/is-text.js';
import { PARSE_OPTIONS, zodToHttpError } from '../jobs/validate.js';
import { redactHeaders } from '../secrets/redact.js';
import type { Sealer } from '../secrets/sealer.js';
import type { InspectedRequest, InspectorLimits, Store } from '../store/store.js';

/** Where bins are: anyone may send to them (Hookline's own worker first); reading them takes the token. */
export const INSPECT_PREFIX = '/inspect/';
export const BIN = /^[A-Za-z0-9_-]{1,64}$/;
/** Header names whose values are kept as `***`: what looks like a credential is not stored, even here. */
const CREDENTIAL_NAME = /(authorization|cookie|key|token|secret|password)/i;

export const binQuery = z.object({ limit: z.coerce.number().int().min(1, 'must be an integer from 1 to 10000').max(10_000, 'must be an integer from 1 to 10000').optional() });
export const binSchema = z.object({ secret: z.string().regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'must be whsec_ followed by base64').nullable().optional() }).strict();

function checkBin(bin: string): void {
  if (!BIN.test(bin)) throw badRequest('a bin is named with 1-64 letters, digits, "_" or "-"', 'bin');
}

type BinRequest = FastifyRequest<{ Params: { bin: string; '*'?: string }; Querystring: Record<string, string | undefined> }>;

/**
 * The inspector: a request bin on the node itself. Any request to `/inspect/{bin}` (and paths
 * under it) is recorded — method, path, query, headers, body, time — and answered 200
 * `{"ok": true}`, or the status `?status=` asks for (`?fail=N`: 500 to the bin's first N requests),
 * after the `?delay=` it asks for. What a bin
 * received is read at `GET /api/v1/inspector/{bin}`; a bin given a signing secret checks each
 * request's Standard Webhooks signature as it arrives.
 */
export function inspectorRoutes(deps: { store: Store; clock: Clock; sealer: Sealer; limits: InspectorLimits }) {
  const { store, clock } = deps;
  const maxDelay = parseDuration(DEFAULTS.inspector.max_delay)!;

  async function record(request: BinRequest, reply: FastifyReply) {
    const { bin } = request.params;
    checkBin(bin);
    const fail = request.query.fail === undefined ? 0 : Number(request.query.fail);
    if (!Number.isInteger(fail) || fail < 0 || fail > 100) throw badRequest('fail must be a number of requests from 0 to 100', 'fail');
    // `?fail=N`: the bin's first N requests are answered 500, the rest as usual — a delivery that fails, then succeeds when retried.
    const failing = fail > 0 && (await store.listInspected(bin, fail)).length < fail;
    const status = request.query.status === undefined ? (failing ? 500 : 200) : Number(request.query.status);
    if (!Number.isInteger(status) || status < 200 || status > 599) throw badRequest('status must be an HTTP status from 200 to 599', 'status');
    const delay = request.query.delay === undefined ? 0 : parseDuration(request.query.delay);
    if (delay === undefined || delay > maxDelay) throw badRequest(`delay must be a duration of at most ${DEFAULTS.inspector.max_delay}`, 'delay');
    const raw = (request.body as Buffer | undefined) ?? Buffer.alloc(0);
    await store.recordInspected(await inspected(bin, request, raw, status), deps.limits);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    return reply.code(status).send({ ok: status < 400 });
  }

  async function inspected(bin: string, request: BinRequest, raw: Buffer, status: number): Promise<InspectedRequest> {
    const kept = raw.subarray(0, DEFAULTS.inspector.body_bytes);
    const text = isText(kept);
    const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v ?? '')]));
    const shown = redactHeaders(headers, [], Object.keys(headers).filter((name) => CREDENTIAL_NAME.test(name)));
    const query = request.url.indexOf('?');
    return {
      id: uuidv7(),
      bin,
      method: request.method,
      path: `/${request.params['*'] ?? ''}`,
      query: query < 0 ? null : request.url.slice(query + 1),
      headers: JSON.stringify(shown),
      body: raw.length === 0 ? null : text ? kept.toString('utf8') : kept.toString('base64'),
      body_encoding: raw.length === 0 || text ? null : 'base64',
      truncated: raw.length > kept.length ? 1 : 0,
      signature: await signatureOf(bin, headers, raw),
      status,
      received_at: clock.now(),
    };
  }

  /** With the bin's secret: `valid`, or why the request's Standard Webhooks signature is not. */
  async function signatureOf(bin: string, headers: Record<string, string>, raw: Buffer): Promise<string | null> {
    const row = await store.getInspectorBin(bin);
    if (!row?.secret) return null;
    const verify = { scheme: 'standard_webhooks', secret: deps.sealer.open(row.secret), tolerance: '300s' } as Verify;
    return signatureProblem(verify, headers, raw, clock.now()) ?? 'valid';
  }

  return async function register(app: FastifyInstance): Promise<void> {
    await app.register(async (bins) => {
      // Bodies arrive as bytes, whatever their type: a bin keeps what was sent.
      bins.removeAllContentTypeParsers();
      bins.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
      for (const url of [`${INSPECT_PREFIX}:bin`, `${INSPECT_PREFIX}:bin/*`]) {
        bins.route({ method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'], url, ...PUBLIC_ROUTE, handler: record });
      }
    });

    app.get<{ Params: { bin: string } }>('/api/v1/inspector/:bin', async (request) => {
      const limit = Math.min(parseQuery(binQuery, request.query).limit ?? deps.limits.requestsPerBin, deps.limits.requestsPerBin);
      const [bin, requests] = await Promise.all([store.getInspectorBin(request.params.bin), store.listInspected(request.params.bin, limit)]);
      return { bin: request.params.bin, url: `${INSPECT_PREFIX}${request.params.bin}`, signed: Boolean(bin?.secret), requests: requests.map(inspectedView) };
    });
    app.put<{ Params: { bin: string } }>('/api/v1/inspector/:bin', async (request) => {
      checkBin(request.params.bin);
      const parsed = binSchema.safeParse(request.body ?? {}, PARSE_OPTIONS);
      if (!parsed.success) throw zodToHttpError(parsed.error);
      const secret = parsed.data.secret ?? null;
      await store.setInspectorSecret(request.params.bin, secret === null ? null : deps.sealer.seal(secret), clock.now());
      return { bin: request.params.bin, url: `${INSPECT_PREFIX}${request.params.bin}`, signed: secret !== null };
    });
    app.delete<{ Params: { bin: string } }>('/api/v1/inspector/:bin', async (request, reply) => {
      if (!(await store.deleteInspectorBin(request.params.bin))) throw notFound(`bin ${request.params.bin}`);
      return reply.code(204).send();
    });
  };
}

/** A recorded request as the API shows it. */
export function inspectedView(r: InspectedRequest) {
  return {
    id: r.id,
    method: r.method,
    path: r.path,
    query: r.query,
    headers: JSON.parse(r.headers) as Record<string, string>,
    body: r.body,
    ...(r.body_encoding ? { body_encoding: r.body_encoding } : {}),
    body_truncated: r.truncated === 1,
    signature: r.signature,
    status: Number(r.status),
    received_at: new Date(Number(r.received_at)).toISOString(),
  };
}
