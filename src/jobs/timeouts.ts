import { DEFAULTS } from '../config/defaults.js';
import { parseDuration } from '../duration.js';
import type { JobSpec } from './job-schema.js';

/** The deadline of one call: the webhook's timeout wins over the job's. */
export function callTimeoutMs(spec: Pick<JobSpec, 'timeout' | 'webhook'>): number {
  return parseDuration(spec.webhook.timeout ?? spec.timeout ?? DEFAULTS.job.timeout)!;
}
