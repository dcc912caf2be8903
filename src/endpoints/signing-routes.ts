import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import { durationIn } from '../duration-schema.js';
import { parseDuration } from '../duration.js';
import { PUBLIC_ROUTE } from '../api/access.js';
import { badRequest, notFound } from '../errors.js';
import { isSigningKey, newSigningKey, newSigningSecret, publicKeyOf } from '../http/signing.js';
import { PARSE_OPTIONS, zodToHttpError } from '../jobs/validate.js';
import type { Store } from '../store/store.js';
import { endpointView, type EndpointCodec, type Rotated } from './endpoint-codec.js';
import type { Endpoint } from './endpoint-schema.js';

const DAY = 86_400_000;
/** How long a rotated secret keeps signing beside its successor, unless the rotation says. */
export const DEFAULT_OVERLAP = '24h';

export const rotateSchema = z
  .object({
    signing_secret: z.string().regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'must be whsec_ followed by base64').refine((s) => Buffer.from(s.slice(6), 'base64').length >= 16, 'must hold at least 16 bytes').optional(),
    signing_key: z.string().max(256).refine(isSigningKey, 'must be whsk_ followed by the base64 of an Ed25519 seed (32 bytes) or seed and public key (64 bytes)').optional(),
    overlap: durationIn({ min: 0, max: 30 * DAY }).optional().meta({ description: `How long the old secret or key keeps signing beside the new one; ${DEFAULT_OVERLAP} when left out.` }),
  })
  .strict();

/**
 * Rotating an endpoint's signing secret or Ed25519 key: the new one signs at once, the old one
 * beside it until the overlap ends, so receivers can move over. A secret or key Hookline makes is
 * shown in the answer, that once; one the request gives is never shown.
 */
export function signingRoutes(deps: { store: Store; codec: EndpointCodec; clock: Clock }) {
  const { store, codec, clock } = deps;
  return async function register(app: FastifyInstance): Promise<void> {
    app.post<{ Params: { name: string } }>('/api/v1/endpoints/:name/rotate-secret', async (request) => {
      const parsed = rotateSchema.safeParse(request.body ?? {}, PARSE_OPTIONS);
      if (!parsed.success) throw zodToHttpError(parsed.error);
      const [row] = await store.getEndpoints([request.params.name]);
      if (!row) throw notFound(`endpoint ${request.params.name}`);
      const endpoint = codec.open(row);
      const now = clock.now();
      const { next, made, rotated } = rotation(endpoint, parsed.data, now, now + parseDuration(parsed.data.overlap ?? DEFAULT_OVERLAP)!);
      const { previous_signing: _p, ...spec } = next;
      const sealed = codec.toRow(spec, row, now);
      if (!(await store.rotateSigning(row.name, sealed.spec, codec.sealRotated(rotated), now))) throw notFound(`endpoint ${row.name}`);
      return { ...endpointView({ ...row, ...sealed }), ...made };
    });

    /** The public keys a receiver checks v1a signatures with: the current one, and any rotated out that still sign. Public by nature. */
    app.get<{ Params: { name: string } }>('/api/v1/endpoints/:name/public-key', PUBLIC_ROUTE, async (request) => {
      const [row] = await store.getEndpoints([request.params.name]);
      const endpoint = row && codec.open(row);
      if (!endpoint?.signing_key) throw notFound(`public key of endpoint ${request.params.name}`);
      const now = clock.now();
      const previous = (endpoint.previous_signing ?? []).filter((p) => p.value.startsWith('whsk_') && p.until > now);
      return {
        public_key: publicKeyOf(endpoint.signing_key),
        previous: previous.map((p) => ({ public_key: publicKeyOf(p.value), until: new Date(p.until).toISOString() })),
      };
    });
  };
}

/** The endpoint after the rotation, what Hookline made (to show once), and every secret or key still signing beside it. */
function rotation(endpoint: Endpoint, given: z.output<typeof rotateSchema>, now: number, until: number) {
  // Those rotated out before whose overlap has ended are dropped now.
  const rotated: Rotated[] = (endpoint.previous_signing ?? []).filter((p) => p.until > now);
  const made: { new_signing_secret?: string; new_signing_key?: string; public_key?: string } = {};
  const next = { ...endpoint };
  const rotatesSecret = given.signing_secret !== undefined || (given.signing_key === undefined && endpoint.signing_secret !== undefined);
  const rotatesKey = given.signing_key !== undefined || (given.signing_secret === undefined && endpoint.signing_key !== undefined);
  if (!rotatesSecret && !rotatesKey) throw badRequest('the endpoint signs with no secret and no key: give signing_secret or signing_key', 'signing_secret');
  if (rotatesSecret) {
    if (endpoint.signing_secret) rotated.push({ value: endpoint.signing_secret, until });
    next.signing_secret = given.signing_secret ?? (made.new_signing_secret = newSigningSecret());
  }
  if (rotatesKey) {
    if (endpoint.signing_key) rotated.push({ value: endpoint.signing_key, until });
    next.signing_key = given.signing_key ?? (made.new_signing_key = newSigningKey());
    made.public_key = publicKeyOf(next.signing_key);
  }
  return { next, made, rotated };
}
