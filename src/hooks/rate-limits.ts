import { parseDuration } from '../duration.js';
import type { HookRow, RateLimit } from '../store/store.js';
import type { WebhookTrigger } from './trigger-schema.js';

/** The configured limits: per hook (unless its trigger sets one) and per namespace, per window. */
export interface RateLimitSettings {
  per_hook: number;
  per_namespace: number;
  window: string;
}

/** Hooks whose limits are kept worked out; the map starts over when it is full. */
const KEPT_HOOKS = 10_000;

/**
 * The counters a call to a hook counts against: its own, then its namespace's. Windows are fixed
 * and aligned to the clock (a one-minute window starts on the minute), so every node sharing the
 * store counts into the same rows. Each hook's limits are worked out once per window.
 */
export function createRateLimits(settings: RateLimitSettings) {
  const kept = new Map<string, { trigger: WebhookTrigger; limits: RateLimit[] }>();

  return function limitsFor(hook: HookRow, trigger: WebhookTrigger, now: number): RateLimit[] {
    const entry = kept.get(hook.id);
    if (entry && entry.trigger === trigger && entry.limits.every((l) => now - l.window_start < l.window_ms)) return entry.limits;
    const own = trigger.rate_limit;
    const limits = [
      windowed(`hook:${hook.id}`, own?.requests ?? settings.per_hook, own?.per ?? settings.window, now, 'this hook'),
      windowed(`namespace:${hook.namespace}`, settings.per_namespace, settings.window, now, `namespace ${hook.namespace}`),
    ];
    if (kept.size >= KEPT_HOOKS) kept.clear();
    kept.set(hook.id, { trigger, limits });
    return limits;
  };
}

export type LimitsFor = ReturnType<typeof createRateLimits>;

function windowed(scope: string, limit: number, per: string, now: number, what: string): RateLimit {
  const window_ms = parseDuration(per)!;
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
