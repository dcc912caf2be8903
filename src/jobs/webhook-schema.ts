import { z } from 'zod';
import { parseDuration } from '../duration.js';
import { REDACTED } from '../secrets/redact.js';

const PLACEHOLDER = /\{\{[\s\S]*?\}\}/g;
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const SIGNING_SECRET = /^whsec_[A-Za-z0-9+/]+={0,2}$/;

export const durationString = z
  .string()
  .refine((v) => parseDuration(v) !== undefined, 'must be a duration such as 500ms, 30s, 5m or 1h30m');

const secretString = z.string().min(1).max(4096);

export const authSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }).strict(),
  z.object({ type: z.literal('bearer'), token: secretString }).strict(),
  z.object({ type: z.literal('basic'), username: z.string().max(1024), password: secretString }).strict(),
  z
    .object({
      type: z.literal('api_key'),
      api_key: secretString,
      header: z.string().regex(HEADER_NAME, 'must be an HTTP header name').default('X-API-Key'),
    })
    .strict(),
]);

const urlTemplate = z
  .string()
  .max(8192)
  .superRefine((value, ctx) => {
    const reason = checkUrlTemplate(value);
    if (reason) ctx.addIssue({ code: 'custom', message: reason });
  });

/** The `webhook` object of a job: every field of the Chronos shape, plus `signing_secret`. */
export const webhookSchema = z
  .object({
    url: urlTemplate,
    method: z
      .string()
      .transform((m) => m.toUpperCase())
      .pipe(z.enum(METHODS, { message: `must be one of ${METHODS.join(', ')}` }))
      .default('POST'),
    headers: z
      .record(z.string().regex(HEADER_NAME, 'must be an HTTP header name'), z.string().max(8192))
      .refine((h) => Object.keys(h).length <= 100, 'at most 100 headers')
      .default({}),
    body: z
      .union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())])
      .transform((b) => (typeof b === 'string' ? b : JSON.stringify(b)))
      .refine((b) => b.length <= 1024 * 1024, 'must be at most 1 MiB')
      .optional(),
    auth: authSchema.optional(),
    success_codes: z.array(z.number().int().min(100).max(599)).min(1).max(100).optional(),
    timeout: durationString.optional(),
    tls_skip_verify: z.boolean().optional(),
    verifySSL: z.boolean().optional(),
    signing_secret: z
      .union([
        z.literal(REDACTED),
        z
          .string()
          .regex(SIGNING_SECRET, 'must be whsec_ followed by base64')
          .refine((s) => Buffer.from(s.slice(6), 'base64').length >= 16, 'must hold at least 16 bytes'),
      ])
      .optional(),
  })
  .strict()
  .superRefine((w, ctx) => {
    if (w.verifySSL !== undefined && w.tls_skip_verify !== undefined && w.verifySSL === w.tls_skip_verify) {
      ctx.addIssue({ code: 'custom', path: ['verifySSL'], message: 'contradicts tls_skip_verify' });
    }
    if (hasUrlCredentials(w.url) && w.auth && w.auth.type !== 'none') {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'carries credentials while auth is set too' });
    }
  })
  .transform(normalizeWebhook);

export type WebhookInput = z.input<typeof webhookSchema>;
export type Webhook = z.output<typeof webhookSchema>;
export type Auth = z.output<typeof authSchema>;

/** `verifySSL: false` becomes `tls_skip_verify: true`; `user:pass@` in the URL becomes basic auth. */
function normalizeWebhook(w: z.output<z.ZodObject<any>> & Record<string, any>) {
  const { verifySSL, ...rest } = w;
  const out = { ...rest } as {
    url: string;
    method: (typeof METHODS)[number];
    headers: Record<string, string>;
    body?: string;
    auth?: Auth;
    success_codes?: number[];
    timeout?: string;
    tls_skip_verify?: boolean;
    signing_secret?: string;
  };
  if (verifySSL !== undefined) out.tls_skip_verify = !verifySSL;
  const creds = splitUrlCredentials(out.url);
  if (creds) {
    out.url = creds.url;
    out.auth = { type: 'basic', username: creds.username, password: creds.password };
  }
  return out;
}

function checkUrlTemplate(value: string): string | undefined {
  if (!/^https?:\/\//i.test(value)) return 'must be an http:// or https:// URL';
  try {
    const url = new URL(value.replace(PLACEHOLDER, 'x'));
    if (!url.hostname) return 'must name a host';
  } catch {
    return 'is not a valid URL';
  }
  return undefined;
}

function hasUrlCredentials(value: string): boolean {
  return splitUrlCredentials(value) !== undefined;
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
