import { z } from 'zod';
import { DEFAULTS, DURATION_RANGES } from '../config/defaults.js';
import { durationIn } from '../duration-schema.js';
import { parseDuration } from '../duration.js';
import { conditionProblem } from '../evaluation/conditions.js';
import { NAMESPACE } from '../jobs/job-schema.js';
import { SUBSCRIPTION_PATTERN } from '../events/event-type.js';
import type { DeliveryGate } from '../store/delivery-gate.js';

/**
 * What an endpoint that receives events says about them: which it wants (subscriptions, filter) and
 * how they reach it (rate limit, order, when its circuit opens, when it is given up).
 */
export const deliveryFields = {
  /** The namespace whose events it receives (a Svix application). */
  namespace: z.string().regex(NAMESPACE, 'must be 1-128 lower-case letters, digits, ".", "_" or "-"').optional(),
  subscriptions: z
    .array(z.string().max(256).regex(SUBSCRIPTION_PATTERN, 'must be an event type, a prefix ending in ".*", or "*"'))
    .max(100)
    .transform((list) => [...new Set(list)])
    .optional(),
  /** A CEL expression over `payload`; an event whose payload makes it false is not delivered here. */
  filter: z
    .string()
    .max(4096)
    .superRefine((value, ctx) => {
      const problem = conditionProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: `is not a valid CEL expression: ${problem}` });
    })
    .optional(),
  rate_limit: z
    .object({ deliveries: z.number().int().min(1).max(1_000_000), per: durationIn(DURATION_RANGES.rate_window) })
    .strict()
    .optional(),
  ordering: z.enum(['none', 'fifo']).optional(),
  circuit_breaker: z
    .object({
      failures: z.number().int().min(1).max(10_000).optional(),
      probe_interval: durationIn(DURATION_RANGES.probe_interval).optional(),
      max_probe_interval: durationIn(DURATION_RANGES.probe_interval).optional(),
    })
    .strict()
    .optional(),
  disable_after: z.union([z.literal('off'), durationIn(DURATION_RANGES.disable_after)]).optional(),
};

export type DeliverySettings = { [K in keyof typeof deliveryFields]?: z.output<(typeof deliveryFields)[K]> };

const ms = (d: string) => parseDuration(d)!;

/**
 * The least time between two sends of a rate-limited endpoint: its window shared by its deliveries,
 * with a margin (5%, at most 50 ms) for the time a request takes to arrive, which varies, so that no
 * window of `per` at the receiver sees more than `deliveries`.
 */
function slotOf(limit: { deliveries: number; per: string }): number {
  const per = ms(limit.per);
  return (per + Math.min(50, per * 0.05)) / limit.deliveries;
}

/** How the store lets an endpoint's deliveries through: its settings with the defaults filled in. */
export function gateOf(settings: DeliverySettings): DeliveryGate {
  const breaker = settings.circuit_breaker ?? {};
  const probe = ms(breaker.probe_interval ?? DEFAULTS.endpoints.probe_interval);
  const disableAfter = settings.disable_after ?? DEFAULTS.endpoints.disable_after;
  return {
    fifo: settings.ordering === 'fifo',
    slot_ms: settings.rate_limit ? slotOf(settings.rate_limit) : 0,
    breaker_failures: breaker.failures ?? DEFAULTS.endpoints.breaker_failures,
    probe_ms: probe,
    max_probe_ms: Math.max(probe, ms(breaker.max_probe_interval ?? DEFAULTS.endpoints.max_probe_interval)),
    disable_after_ms: disableAfter === 'off' ? 0 : ms(disableAfter),
  };
}
