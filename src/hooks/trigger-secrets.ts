import { randomBytes } from 'node:crypto';
import { badRequest } from '../errors.js';
import { REDACTED } from '../secrets/redact.js';
import { triggerIdAt, type WebhookTrigger } from './trigger-schema.js';

/** A webhook trigger with its id and key settled. */
export type ResolvedTrigger = WebhookTrigger & { id: string; key: string };

/** A new hook key: 128 random bits, URL-safe. */
export const newHookKey = (): string => randomBytes(16).toString('base64url');

/** Returns a copy of each trigger with its key and secret passed through `fn`: where a trigger's secrets live. */
export function mapTriggerSecrets<T extends WebhookTrigger>(triggers: T[], fn: (value: string) => string): T[] {
  return triggers.map((t) => ({
    ...t,
    ...(t.key === undefined ? {} : { key: fn(t.key) }),
    ...(t.secret === undefined ? {} : { secret: fn(t.secret) }),
    ...(t.verify === undefined ? {} : { verify: { ...t.verify, secret: fn(t.verify.secret) } }),
  }));
}

/**
 * Settles the triggers of a created or replaced job against the stored ones (matched by id): an
 * omitted key or a `***` keeps the stored key, `***` keeps the stored secret, and a new trigger
 * without a key gets a fresh one. Returns the triggers and the ids whose keys were made now.
 */
export function resolveTriggers(
  next: WebhookTrigger[] | undefined,
  previous: WebhookTrigger[] | undefined,
): { triggers: ResolvedTrigger[] | undefined; generated: string[] } {
  if (!next) return { triggers: undefined, generated: [] };
  const generated: string[] = [];
  const triggers = next.map((t, i) => {
    const id = t.id ?? triggerIdAt(i);
    const before = previous?.find((p, j) => (p.id ?? triggerIdAt(j)) === id);
    let key = t.key === undefined || t.key === REDACTED ? before?.key : t.key;
    if (key === undefined && t.key === REDACTED) throw missing(i, 'key');
    if (key === undefined) {
      key = newHookKey();
      generated.push(id);
    }
    const secret = t.secret === REDACTED ? before?.secret : t.secret;
    if (t.secret === REDACTED && secret === undefined) throw missing(i, 'secret');
    const verifySecret = t.verify?.secret === REDACTED ? before?.verify?.secret : t.verify?.secret;
    if (t.verify && verifySecret === undefined) throw missing(i, 'verify.secret');
    return {
      ...t,
      id,
      key,
      ...(secret === undefined ? {} : { secret }),
      ...(t.verify ? { verify: { ...t.verify, secret: verifySecret! } } : {}),
    };
  });
  return { triggers, generated };
}

function missing(index: number, name: string) {
  const field = `triggers.${index}.${name}`;
  return badRequest(`${field}: "***" keeps a stored ${name}, but none is stored`, field);
}
