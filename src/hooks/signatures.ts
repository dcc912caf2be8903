import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { DURATION_RANGES } from '../config/defaults.js';
import { durationIn } from '../duration-schema.js';
import { parseDuration } from '../duration.js';

/**
 * Inbound signature schemes, each checked over the raw request bytes in constant time. Anything
 * missing, malformed or out of date fails the check: a hook with `verify` never lets an unsigned
 * call through.
 */
export const DEFAULT_TOLERANCE = '300s';
const ALGORITHMS = ['sha1', 'sha256', 'sha512'] as const;

const secret = z.string().min(1).max(4096);
const tolerance = durationIn(DURATION_RANGES.signature_tolerance).default(DEFAULT_TOLERANCE);
/** A Standard Webhooks secret: base64, usually after `whsec_` (or `***` to keep the stored one). */
const whsec = z.string().regex(/^(whsec_)?[A-Za-z0-9+/]+={0,2}$|^\*\*\*$/, 'must be whsec_ followed by base64');

export const verifySchema = z.discriminatedUnion('scheme', [
  z.object({ scheme: z.literal('github'), secret }).strict(),
  z.object({ scheme: z.literal('stripe'), secret, tolerance }).strict(),
  z.object({ scheme: z.literal('slack'), secret, tolerance }).strict(),
  z.object({ scheme: z.literal('shopify'), secret }).strict(),
  z.object({ scheme: z.literal('standard_webhooks'), secret: whsec, tolerance }).strict(),
  z.object({ scheme: z.literal('svix'), secret: whsec, tolerance }).strict(),
  z
    .object({
      scheme: z.literal('hmac'),
      secret,
      header: z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be an HTTP header name'),
      algorithm: z.enum(ALGORITHMS).default('sha256'),
      encoding: z.enum(['hex', 'base64']).default('hex'),
      prefix: z.string().max(64).default(''),
    })
    .strict(),
]);

export type Verify = z.output<typeof verifySchema>;
type Headers = Record<string, string | string[] | undefined>;

/** Why the request's signature does not verify, or undefined when it does. */
export function signatureProblem(verify: Verify, headers: Headers, body: Buffer, nowMs: number): string | undefined {
  try {
    return CHECKS[verify.scheme](verify as never, headers, body, nowMs);
  } catch (err) {
    return `the signature cannot be checked: ${(err as Error).message}`;
  }
}

type Check<S extends Verify['scheme']> = (v: Extract<Verify, { scheme: S }>, h: Headers, body: Buffer, now: number) => string | undefined;

const CHECKS: { [S in Verify['scheme']]: Check<S> } = {
  github: (v, h, body) => {
    const given = header(h, 'x-hub-signature-256');
    if (!given?.startsWith('sha256=')) return 'X-Hub-Signature-256 is missing';
    return sameDigest(given.slice(7), hmac('sha256', v.secret, body, 'hex')) ? undefined : 'X-Hub-Signature-256 does not match';
  },
  stripe: (v, h, body, now) => {
    const parts = (header(h, 'stripe-signature') ?? '').split(',').map((p) => p.trim().split('='));
    const t = parts.find(([k]) => k === 't')?.[1];
    const signatures = parts.filter(([k]) => k === 'v1').map(([, s]) => s ?? '');
    if (!t || signatures.length === 0) return 'Stripe-Signature is missing or malformed';
    const late = staleness(t, now, v.tolerance);
    if (late) return late;
    const expected = hmac('sha256', v.secret, Buffer.concat([Buffer.from(`${t}.`), body]), 'hex');
    return anyMatches(signatures, expected) ? undefined : 'Stripe-Signature does not match';
  },
  slack: (v, h, body, now) => {
    const t = header(h, 'x-slack-request-timestamp');
    const given = header(h, 'x-slack-signature');
    if (!t || !given?.startsWith('v0=')) return 'X-Slack-Signature or X-Slack-Request-Timestamp is missing';
    const late = staleness(t, now, v.tolerance);
    if (late) return late;
    const expected = hmac('sha256', v.secret, Buffer.concat([Buffer.from(`v0:${t}:`), body]), 'hex');
    return sameDigest(given.slice(3), expected) ? undefined : 'X-Slack-Signature does not match';
  },
  shopify: (v, h, body) => {
    const given = header(h, 'x-shopify-hmac-sha256');
    if (!given) return 'X-Shopify-Hmac-Sha256 is missing';
    return sameDigest(given, hmac('sha256', v.secret, body, 'base64')) ? undefined : 'X-Shopify-Hmac-Sha256 does not match';
  },
  standard_webhooks: (v, h, body, now) => standardWebhooks(v.secret, v.tolerance, h, body, now),
  svix: (v, h, body, now) => standardWebhooks(v.secret, v.tolerance, h, body, now),
  hmac: (v, h, body) => {
    const given = header(h, v.header.toLowerCase());
    if (!given?.startsWith(v.prefix)) return `${v.header} is missing`;
    const expected = hmac(v.algorithm, v.secret, body, v.encoding);
    return sameDigest(given.slice(v.prefix.length), expected) ? undefined : `${v.header} does not match`;
  },
};

/** Standard Webhooks (and Svix, with `svix-` headers): any of several signatures, for key rotation. */
function standardWebhooks(secret: string, tolerance: string, h: Headers, body: Buffer, now: number): string | undefined {
  const id = header(h, 'webhook-id') ?? header(h, 'svix-id');
  const t = header(h, 'webhook-timestamp') ?? header(h, 'svix-timestamp');
  const given = header(h, 'webhook-signature') ?? header(h, 'svix-signature');
  if (!id || !t || !given) return 'webhook-id, webhook-timestamp or webhook-signature is missing';
  const late = staleness(t, now, tolerance);
  if (late) return late;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = hmac('sha256', key, Buffer.concat([Buffer.from(`${id}.${t}.`), body]), 'base64');
  const signatures = given.split(' ').filter((s) => s.startsWith('v1,')).map((s) => s.slice(3));
  return anyMatches(signatures, expected) ? undefined : 'webhook-signature does not match';
}

function header(h: Headers, name: string): string | undefined {
  const value = h[name];
  return Array.isArray(value) ? value[0] : value;
}

function hmac(algorithm: string, key: string | Buffer, data: Buffer, encoding: 'hex' | 'base64'): string {
  return createHmac(algorithm, key).update(data).digest(encoding);
}

/** A timestamp (seconds) further than `tolerance` from now, either way, is refused. */
function staleness(seconds: string, nowMs: number, tolerance: string): string | undefined {
  const at = Number(seconds) * 1000;
  if (!/^\d+$/.test(seconds)) return 'the signature timestamp is malformed';
  return Math.abs(nowMs - at) > parseDuration(tolerance)! ? 'the signature timestamp is outside the tolerance' : undefined;
}

/** Constant-time comparison of two encoded digests. */
function sameDigest(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function anyMatches(given: string[], expected: string): boolean {
  let found = false;
  for (const g of given) found = sameDigest(g, expected) || found;
  return found;
}
