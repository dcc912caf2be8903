import { parseDuration } from '../duration.js';
import type { HookRow, RateLimit } from '../store/store.js';
import type { WebhookTrigger } from './trigger-schema.js';

/** The configured limits: per hook (unless its trigger sets one) and per namespace, per window. */
export interface RateLimitSettings {
  per_hook: number;
  per_namespace: number;
  window: string;
}

/**
 * The counters a call to `hook` counts against: its own, then its namespace's. Windows are fixed
 * and aligned to the clock (a one-minute window starts on the minute), so every node sharing the
 * store counts into the same rows.
 */
export function limitsFor(hook: HookRow, trigger: WebhookTrigger, settings: RateLimitSettings, now: number): RateLimit[] {
  const own = trigger.rate_limit;
  return [
    windowed(`hook:${hook.id}`, own?.requests ?? settings.per_hook, own?.per ?? settings.window, now, 'this hook'),
    windowed(`namespace:${hook.namespace}`, settings.per_namespace, settings.window, now, `namespace ${hook.namespace}`),
  ];
}

/** Window lengths by their spelling: a handful of distinct ones, parsed once each. */
const windowLengths = new Map<string, number>();

function windowed(scope: string, limit: number, per: string, now: number, what: string): RateLimit {
  let window_ms = windowLengths.get(per);
  if (window_ms === undefined) windowLengths.set(per, (window_ms = parseDuration(per)!));
  return {
    scope,
    limit,
    window_ms,
    window_start: Math.floor(now / window_ms) * window_ms,
    reason: `over the rate limit of ${limit} calls per ${per} for ${what}`,
  };
}

/** Whole seconds until the refusing limit's window ends: the Retry-After of a 429. */
export function retryAfterSeconds(limit: RateLimit, now: number): number {
  return Math.max(1, Math.ceil((limit.window_start + limit.window_ms - now) / 1000));
}
