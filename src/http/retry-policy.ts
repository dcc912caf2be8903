import { DEFAULTS } from '../config/defaults.js';
import { parseDuration } from '../duration.js';

/** A retry policy as written: any field may be left to the defaults. */
export interface RetryPolicyInput {
  max_attempts?: number;
  initial_interval?: string;
  max_interval?: string;
  multiplier?: number;
}

/** A retry policy with every field filled and durations in milliseconds. */
export interface RetryPolicy {
  maxAttempts: number;
  initialMs: number;
  maxMs: number;
  multiplier: number;
}

export function resolveRetryPolicy(input: RetryPolicyInput | undefined): RetryPolicy {
  const d = DEFAULTS.job.retry_policy;
  return {
    maxAttempts: input?.max_attempts ?? d.max_attempts,
    initialMs: parseDuration(input?.initial_interval ?? d.initial_interval)!,
    maxMs: parseDuration(input?.max_interval ?? d.max_interval)!,
    multiplier: input?.multiplier ?? d.multiplier,
  };
}

/** The wait after failed attempt `attempt` (1-based): initial * multiplier^(attempt-1), capped at max. */
export function backoffMs(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxMs, Math.round(policy.initialMs * policy.multiplier ** (attempt - 1)));
}

/** The wait a `Retry-After` header asks for (seconds or an HTTP date), if it can be read. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The backoff, lengthened to what the receiver's Retry-After asks for, never past max_interval. */
export function nextDelayMs(policy: RetryPolicy, attempt: number, retryAfterMs: number | undefined): number {
  const backoff = backoffMs(policy, attempt);
  if (retryAfterMs === undefined || retryAfterMs <= backoff) return backoff;
  return Math.min(retryAfterMs, policy.maxMs);
}
