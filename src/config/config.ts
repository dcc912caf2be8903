import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { DEFAULTS, DURATION_RANGES } from './defaults.js';
import { durationIn } from '../duration-schema.js';
import { parseDuration } from '../duration.js';

const R = DURATION_RANGES;
const isCidr = (v: string) => ipaddr.isValid(v) || (v.includes('/') && isValidCidr(v));
const cidrList = z.array(z.string().refine(isCidr, 'must be an IP address or a CIDR block')).default([]);
const ROLES = ['api', 'scheduler', 'worker'] as const;
/** A list given as `a,b` (environment) or as a YAML list. */
const commaList = (v: unknown) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v);
/** `true` / `false` as the environment spells them, or a YAML boolean. */
const booleanText = (v: unknown) => (v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : v);
const calls = z.coerce.number().int().min(1).max(1_000_000_000);

/** The configuration file's shape (`hookline.yaml`); flags and HOOKLINE_* variables fill the same keys. */
export const configSchema = z
  .object({
    host: z.string().default(DEFAULTS.host),
    port: z.coerce.number().int().min(0).max(65535).default(DEFAULTS.port),
    database: z.string().default(DEFAULTS.database),
    database_schema: z.string().regex(/^[a-z_][a-z0-9_]*$/).optional(),
    durability: z.enum(['normal', 'full']).default(DEFAULTS.durability),
    busy_timeout: durationIn(R.busy_timeout).default(DEFAULTS.busy_timeout),
    api_token: z.string().min(1).optional(),
    secret_key: z.string().min(16).optional(),
    log_level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    roles: z.preprocess(commaList, z.array(z.enum(ROLES)).min(1)).default([...DEFAULTS.roles]),
    trusted_proxies: z.preprocess(commaList, cidrList),
    retention: z.union([z.literal('off'), durationIn(R.retention)]).default(DEFAULTS.retention),
    prune_interval: durationIn(R.prune_interval).default(DEFAULTS.prune_interval),
    http: z
      .object({
        headers_timeout: durationIn(R.http_timeout).default(DEFAULTS.http.headers_timeout),
        request_timeout: durationIn(R.http_timeout).default(DEFAULTS.http.request_timeout),
        idle_timeout: durationIn(R.http_timeout).default(DEFAULTS.http.idle_timeout),
        keep_alive_timeout: durationIn(R.http_timeout).default(DEFAULTS.http.keep_alive_timeout),
      })
      .strict()
      .refine((h) => parseDuration(h.headers_timeout)! <= parseDuration(h.request_timeout)!, {
        message: 'must not be longer than http.request_timeout',
        path: ['headers_timeout'],
      })
      .prefault({}),
    hooks: z
      .object({
        body_limit: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(DEFAULTS.hooks.body_limit),
        rate_limit: z
          .object({
            per_hook: calls.default(DEFAULTS.hooks.rate_limit.per_hook),
            per_namespace: calls.default(DEFAULTS.hooks.rate_limit.per_namespace),
            window: durationIn(R.rate_window).default(DEFAULTS.hooks.rate_limit.window),
          })
          .strict()
          .prefault({}),
        wait_timeout: durationIn(R.http_timeout).default(DEFAULTS.hooks.wait_timeout),
        condition_timeout: durationIn(R.condition_timeout).default(DEFAULTS.hooks.condition_timeout),
      })
      .strict()
      .prefault({}),
    tls: z.object({ ca_file: z.string().optional() }).strict().prefault({}),
    // `inspector: false` (or true) is the short form of `inspector: {enabled: ...}`.
    inspector: z.preprocess(
      (v) => (typeof v === 'boolean' || v === 'true' || v === 'false' ? { enabled: v === true || v === 'true' } : v),
      z
        .object({
          enabled: z.preprocess(booleanText, z.boolean()).default(DEFAULTS.inspector.enabled),
          bins: z.coerce.number().int().min(1).max(10_000).default(DEFAULTS.inspector.bins),
          requests_per_bin: z.coerce.number().int().min(1).max(10_000).default(DEFAULTS.inspector.requests_per_bin),
        })
        .strict()
        .prefault({}),
    ),
    egress: z
      .object({
        allow: z.preprocess(commaList, cidrList),
        deny: z.preprocess(commaList, cidrList),
        public_only: z.preprocess(booleanText, z.boolean()).default(DEFAULTS.egress.public_only),
      })
      .strict()
      .prefault({}),
    worker: z
      .object({
        concurrency: z.coerce.number().int().min(1).max(10_000).default(DEFAULTS.worker.concurrency),
        batch_size: z.coerce.number().int().min(1).max(1000).default(DEFAULTS.worker.batch_size),
        poll_interval: durationIn(R.poll_interval).default(DEFAULTS.worker.poll_interval),
        lease_margin: durationIn(R.lease_margin).default(DEFAULTS.worker.lease_margin),
        shutdown_grace: durationIn(R.shutdown_grace).default(DEFAULTS.worker.shutdown_grace),
      })
      .strict()
      .prefault({}),
    scheduler: z
      .object({
        poll_interval: durationIn(R.poll_interval).default(DEFAULTS.scheduler.poll_interval),
        batch_size: z.coerce.number().int().min(1).max(10_000).default(DEFAULTS.scheduler.batch_size),
        misfire_threshold: durationIn(R.misfire_threshold).default(DEFAULTS.scheduler.misfire_threshold),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;

export function parseConfig(input: unknown): Config {
  const result = configSchema.safeParse(input ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`invalid configuration at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return result.data;
}

function isValidCidr(v: string): boolean {
  try {
    ipaddr.parseCIDR(v);
    return true;
  } catch {
    return false;
  }
}

export const ms = (d: string): number => parseDuration(d) as number;
