import { z } from 'zod';
import { DURATION_RANGES } from '../config/defaults.js';
import { durationIn } from '../duration-schema.js';
import { documentedAs } from '../schema-docs.js';
import { REDACTED } from '../secrets/redact.js';
import { replacePlaceholders } from '../template/template.js';
import { HEADER_VALUE_RULE, isValidHeaderValue } from '../http/header-value.js';
import { METHODS, type Auth, type Webhook } from '../http/webhook.js';
import { isSigningKey } from '../http/signing.js';

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const SIGNING_SECRET = /^whsec_[A-Za-z0-9+/]+={0,2}$/;
/** What an endpoint may be called: it is named in jobs and in the API's paths. */
export const ENDPOINT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** A call's timeout, wherever it is set. */
export const callTimeout = durationIn(DURATION_RANGES.call_timeout);

const secretString = z.string().min(1).max(4096);
/** A secret sent as (part of) a header value. */
const headerSecret = secretString.refine(isValidHeaderValue, HEADER_VALUE_RULE);
/** A header value as written: its text outside placeholders must be sendable; what placeholders bring is checked as each call is made. */
const headerTemplate = z
  .string()
  .max(8192)
  .refine((v) => isValidHeaderValue(replacePlaceholders(v, '')), HEADER_VALUE_RULE);

export const authSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }).strict(),
  z.object({ type: z.literal('bearer'), token: headerSecret }).strict(),
  z.object({ type: z.literal('basic'), username: z.string().max(1024).refine((u) => !u.includes(':'), 'cannot hold ":"'), password: secretString }).strict(),
  z
    .object({
      type: z.literal('api_key'),
      api_key: headerSecret,
      header: z.string().regex(HEADER_NAME, 'must be an HTTP header name').default('X-API-Key'),
    })
    .strict(),
]);

export const urlTemplate = z
  .string()
  .max(8192)
  .superRefine((value, ctx) => {
    const reason = checkUrlTemplate(value);
    if (reason) ctx.addIssue({ code: 'custom', message: reason });
  });

/** Every field a webhook may set, none of them required and none defaulted. */
const fields = {
  url: urlTemplate,
  method: z
    .string()
    .transform((m) => m.toUpperCase())
    .pipe(z.enum(METHODS, { message: `must be one of ${METHODS.join(', ')}` })),
  headers: z
    .record(z.string().regex(HEADER_NAME, 'must be an HTTP header name'), headerTemplate)
    .refine((h) => Object.keys(h).length <= 100, 'at most 100 headers'),
  body: z
    .union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())])
    .transform((b) => (typeof b === 'string' ? b : JSON.stringify(b)))
    .refine((b) => b.length <= 1024 * 1024, 'must be at most 1 MiB'),
  auth: authSchema,
  success_codes: z.array(z.number().int().min(100).max(599)).min(1).max(100),
  timeout: callTimeout,
  tls_skip_verify: z.boolean(),
  verifySSL: z.boolean(),
  signing_key: z.union([
    z.literal(REDACTED),
    z.string().max(256).refine(isSigningKey, 'must be whsk_ followed by the base64 of an Ed25519 seed (32 bytes) or seed and public key (64 bytes)'),
  ]),
  signing_secret: z.union([
    z.literal(REDACTED),
    z
      .string()
      .regex(SIGNING_SECRET, 'must be whsec_ followed by base64')
      .refine((s) => Buffer.from(s.slice(6), 'base64').length >= 16, 'must hold at least 16 bytes'),
  ]),
};

const optional = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v.optional()])) as {
  [K in keyof typeof fields]: z.ZodOptional<(typeof fields)[K]>;
};

function webhookChecks(w: { url?: string; auth?: Auth; verifySSL?: boolean; tls_skip_verify?: boolean }, ctx: z.RefinementCtx): void {
  if (w.verifySSL !== undefined && w.tls_skip_verify !== undefined && w.verifySSL === w.tls_skip_verify) {
    ctx.addIssue({ code: 'custom', path: ['verifySSL'], message: 'contradicts tls_skip_verify' });
  }
  if (w.url !== undefined && splitUrlCredentials(w.url) && w.auth && w.auth.type !== 'none') {
    ctx.addIssue({ code: 'custom', path: ['url'], message: 'carries credentials while auth is set too' });
  }
}

/** The `webhook` object of a job: every field of the Chronos shape, plus `signing_secret`. */
export const webhookSchema = z
  .object({ ...optional, url: fields.url, method: fields.method.default('POST'), headers: fields.headers.default({}) })
  .strict()
  .superRefine(webhookChecks)
  .transform((w) => normalize(w) as unknown as Webhook);

/** A webhook that names an endpoint and overrides any of its fields. */
export const webhookOverrideSchema = z
  .object({ ...optional, endpoint: z.string().regex(ENDPOINT_NAME, 'must name an endpoint') })
  .strict()
  .superRefine(webhookChecks)
  .transform((w) => normalize(w) as unknown as WebhookOverride);

/** A job's or task's webhook: a whole one, or one that names an endpoint. */
export const webhookSpecSchema = z.unknown().transform((value, ctx): WebhookSpec => {
  const named = value !== null && typeof value === 'object' && 'endpoint' in value;
  const parsed = (named ? webhookOverrideSchema : webhookSchema).safeParse(value, { reportInput: true });
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: issue.path } as z.core.$ZodRawIssue);
  return z.NEVER;
});
documentedAs(webhookSpecSchema, z.union([webhookSchema, webhookOverrideSchema]).meta({ description: 'The call to make: a whole webhook, or one that names an endpoint and overrides any of its fields.' }));

/**
 * A reusable endpoint (VergeOS' webhook): a webhook with a name and a retry policy. Unless its
 * headers are given, it sends `Content-Type: application/json`; given, they are exactly those.
 */
export const endpointFields = {
  ...optional,
  url: fields.url,
  method: fields.method.default('POST'),
  headers: fields.headers.default({ 'Content-Type': 'application/json' }),
};

export type { Auth, Webhook } from '../http/webhook.js';

/** The fields of a webhook a job sets over its endpoint's. */
export type WebhookOverride = Partial<Webhook> & { endpoint: string };
export type WebhookSpec = Webhook | WebhookOverride;
export type WebhookInput = z.input<typeof webhookSchema>;

export const namesEndpoint = (w: WebhookSpec): w is WebhookOverride => 'endpoint' in w && typeof w.endpoint === 'string';

/** `verifySSL: false` becomes `tls_skip_verify: true`; `user:pass@` in the URL becomes basic auth. */
function normalize(w: Record<string, unknown> & { verifySSL?: boolean; url?: string }): Record<string, unknown> {
  const { verifySSL, ...out } = w;
  if (verifySSL !== undefined) out.tls_skip_verify = !verifySSL;
  const creds = typeof out.url === 'string' ? splitUrlCredentials(out.url) : undefined;
  if (creds) {
    out.url = creds.url;
    out.auth = { type: 'basic', username: creds.username, password: creds.password };
  }
  return out;
}

function checkUrlTemplate(value: string): string | undefined {
  if (!/^https?:\/\//i.test(value)) return 'must be an http:// or https:// URL';
  try {
    const url = new URL(replacePlaceholders(value, 'x'));
    if (!url.hostname) return 'must name a host';
  } catch {
    return 'is not a valid URL';
  }
  return undefined;
}

function splitUrlCredentials(value: string): { url: string; username: string; password: string } | undefined {
  const match = /^(https?:\/\/)([^/@?#]*)@(.*)$/is.exec(value);
  if (!match) return undefined;
  const [, scheme, userinfo, rest] = match;
  const colon = userinfo.indexOf(':');
  const username = decodeURIComponent(colon < 0 ? userinfo : userinfo.slice(0, colon));
  const password = colon < 0 ? '' : decodeURIComponent(userinfo.slice(colon + 1));
  return { url: scheme + rest, username, password };
}
