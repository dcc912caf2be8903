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
  const base = webhookOf(endpoint);
  // A webhook that signs with its own secret or key does not sign with the endpoint's rotated ones.
  if (override.signing_secret !== undefined || override.signing_key !== undefined) delete base.previous_signing;
  return { ...base, ...override, headers: mergeHeaders(endpoint.headers, headers ?? {}) };
}

/** An endpoint's webhook: what its calls are made with, without what says which calls it takes. */
export function webhookOf(endpoint: Endpoint): Webhook {
  const { name: _n, description: _d, retry_policy: _r, namespace: _ns, subscriptions: _s, filter: _f, rate_limit: _l, ordering: _o, circuit_breaker: _c, disable_after: _a, ...webhook } = endpoint;
  return webhook;
}

function mergeHeaders(base: Record<string, string>, over: Record<string, string>): Record<string, string> {
  const overridden = new Set(Object.keys(over).map((h) => h.toLowerCase()));
  const kept = Object.entries(base).filter(([h]) => !overridden.has(h.toLowerCase()));
  return { ...Object.fromEntries(kept), ...over };
}
