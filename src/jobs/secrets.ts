import { everyForm, REDACTED } from '../secrets/redact.js';
import type { JobSpec } from './job-schema.js';
import { namesEndpoint, type Webhook, type WebhookSpec } from './webhook-schema.js';

type SecretFn = (value: string, path: string) => string;

/** Returns a copy of `webhook` with every secret field passed through `fn`; the one list of where secrets live. */
export function mapSecrets<W extends Partial<Webhook>>(webhook: W, fn: SecretFn): W {
  const out = { ...webhook };
  if (out.signing_secret !== undefined) out.signing_secret = fn(out.signing_secret, 'signing_secret');
  if (out.signing_key !== undefined) out.signing_key = fn(out.signing_key, 'signing_key');
  if (out.previous_signing !== undefined) out.previous_signing = out.previous_signing.map((p, i) => ({ ...p, value: fn(p.value, `previous_signing.${i}`) }));
  const auth = out.auth;
  if (auth?.type === 'bearer') out.auth = { ...auth, token: fn(auth.token, 'auth.token') };
  if (auth?.type === 'basic') out.auth = { ...auth, password: fn(auth.password, 'auth.password') };
  if (auth?.type === 'api_key') out.auth = { ...auth, api_key: fn(auth.api_key, 'auth.api_key') };
  return out;
}

/**
 * The secret values of a webhook (opened), in every form they are sent in — the basic credentials
 * as base64, each value JSON-escaped, percent-encoded and base64-encoded — for redacting anything
 * a receiver echoes back. Longest first, so a longer form is replaced whole.
 */
export function collectSecrets(webhook: Partial<Webhook>): string[] {
  let forms = collected.get(webhook);
  if (!forms) collected.set(webhook, (forms = secretsOf(webhook)));
  return forms;
}

/** Worked out once per webhook object: opened specs are cached, so most calls find theirs here. */
const collected = new WeakMap<Partial<Webhook>, string[]>();

function secretsOf(webhook: Partial<Webhook>): string[] {
  const found: string[] = [];
  mapSecrets(webhook, (value) => {
    found.push(value);
    if (value.startsWith('whsec_')) found.push(value.slice(6));
    if (value.startsWith('whsk_')) found.push(value.slice(5));
    return value;
  });
  if (webhook.auth?.type === 'basic') found.push(Buffer.from(`${webhook.auth.username}:${webhook.auth.password}`).toString('base64'));
  return everyForm(found);
}

export const redactSecrets = <W extends Partial<Webhook>>(webhook: W): W => mapSecrets(webhook, () => REDACTED);

/** Fills each `***` in `next` with the value the same field holds in `previous`; returns the paths it could not fill. */
export function keepRedactedSecrets<W extends Partial<Webhook>>(next: W, previous: W | undefined): { webhook: W; missing: string[] } {
  const old = new Map<string, string>();
  if (previous) mapSecrets(previous, (value, path) => (old.set(path, value), value));
  const missing: string[] = [];
  const webhook = mapSecrets(next, (value, path) => {
    if (value !== REDACTED) return value;
    const kept = old.get(path);
    if (kept === undefined) missing.push(path);
    return kept ?? value;
  });
  return { webhook, missing };
}

/** A copy of the job with `fn` applied to each of its webhooks: `webhook`, or each task's, with its field path. */
export function mapJobWebhooks(
  spec: JobSpec,
  fn: (webhook: WebhookSpec, path: string, task: string | undefined) => WebhookSpec,
): JobSpec {
  if (spec.tasks) return { ...spec, tasks: spec.tasks.map((t, i) => ({ ...t, webhook: fn(t.webhook, `tasks.${i}.webhook`, t.name) })) };
  return spec.webhook ? { ...spec, webhook: fn(spec.webhook, 'webhook', undefined) } : spec;
}

/** Each endpoint a job names, with the field that names it: in its webhooks, then in its notify entries. */
export function namedEndpoints(spec: JobSpec): Array<{ name: string; field: string }> {
  const named: Array<{ name: string; field: string }> = [];
  mapJobWebhooks(spec, (w, path) => (namesEndpoint(w) && named.push({ name: w.endpoint, field: `${path}.endpoint` }), w));
  spec.notify?.forEach((n, i) => n.endpoint && named.push({ name: n.endpoint, field: `notify.${i}.endpoint` }));
  return named;
}

/** The endpoints a job names, each once. */
export const endpointNames = (spec: JobSpec): string[] => [...new Set(namedEndpoints(spec).map((n) => n.name))].sort();
