import { namesEndpoint, type Webhook, type WebhookSpec } from '../jobs/webhook-schema.js';
import type { Endpoint } from './endpoint-schema.js';

/** A webhook names an endpoint that is gone: a configuration error, never retried. */
export class EndpointGoneError extends Error {
  readonly code = 'CONFIG_ERROR';
  constructor(name: string) {
    super(`the endpoint ${name} no longer exists`);
  }
}

/**
 * The webhook a call is made with: a whole one as it is, or its endpoint with the fields it
 * overrides. Headers are merged, the webhook's winning over the endpoint's whatever their case.
 */
export function resolveWebhook(spec: WebhookSpec, endpoint: Endpoint | undefined): Webhook {
  if (!namesEndpoint(spec)) return spec;
  if (!endpoint) throw new EndpointGoneError(spec.endpoint);
  const { endpoint: _name, headers, ...override } = spec;
  const { name: _n, description: _d, retry_policy: _r, ...base } = endpoint;
  return { ...base, ...override, headers: mergeHeaders(base.headers, headers ?? {}) };
}

function mergeHeaders(base: Record<string, string>, over: Record<string, string>): Record<string, string> {
  const overridden = new Set(Object.keys(over).map((h) => h.toLowerCase()));
  const kept = Object.entries(base).filter(([h]) => !overridden.has(h.toLowerCase()));
  return { ...Object.fromEntries(kept), ...over };
}
