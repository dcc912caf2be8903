/** What the store needs to know of an endpoint to let its deliveries through (see store/endpoint-gate.ts). */

/** How the store lets an endpoint's deliveries through, in numbers: its settings with the defaults filled in. */
export interface DeliveryGate {
  /** One delivery at a time, in the order of its events. */
  fifo: boolean;
  /** The least time between two deliveries (its rate limit), or 0. */
  slot_ms: number;
  /** Consecutive failures that open its circuit. */
  breaker_failures: number;
  probe_ms: number;
  max_probe_ms: number;
  /** Failing every delivery this long disables it; 0 never does. */
  disable_after_ms: number;
}
