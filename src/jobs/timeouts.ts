import { DEFAULTS } from '../config/defaults.js';
import { parseDuration } from '../duration.js';

/** The deadline of one call: the webhook's timeout wins over the one given beside it. */
export function callTimeoutMs(spec: { timeout?: string; webhook: { timeout?: string } }): number {
  return parseDuration(spec.webhook.timeout ?? spec.timeout ?? DEFAULTS.job.timeout)!;
}
