import type { FastifyRequest } from 'fastify';
import type { HookCall } from './hook-calls.js';
import type { WebhookTrigger } from './trigger-schema.js';

/** The call as received; its body is added as it is read, its headers' secrets taken out once the hook is known. */
export function callOf(request: FastifyRequest, receivedAt: number): HookCall {
  const query = request.url.indexOf('?');
  return {
    receivedAt,
    sourceIp: request.ip ?? null,
    method: request.method,
    query: query < 0 ? null : request.url.slice(query + 1),
    headers: flatHeaders(request.headers),
    raw: undefined,
    idempotencyKey: deliveryId(request.headers),
  };
}

/** A call to a hook ?wait=true, or to one whose trigger says `wait: true`, is held for its end. */
export function wantsWait(asked: unknown, trigger: WebhookTrigger): boolean {
  return asked === undefined ? trigger.wait === true : asked === 'true' || asked === '';
}

/** Headers that name one delivery: a repeat within 24 h returns the first execution. */
const DELIVERY_ID_HEADERS = ['idempotency-key', 'x-github-delivery', 'webhook-id', 'svix-id'];

function deliveryId(headers: FastifyRequest['headers']): string | undefined {
  for (const name of DELIVERY_ID_HEADERS) {
    const value = headers[name];
    if (typeof value !== 'string' || value.length === 0 || value.length > 256) continue;
    // The same Idempotency-Key as on the trigger route; a provider's id is kept apart by its header.
    return name === 'idempotency-key' ? value : `${name}:${value}`;
  }
  return undefined;
}

function flatHeaders(headers: FastifyRequest['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}
