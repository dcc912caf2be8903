import { z } from 'zod';
import { triggersSchema } from '../hooks/trigger-schema.js';
import { scheduleSchema } from '../scheduler/schedule-schema.js';
import { durationString, webhookSchema } from './webhook-schema.js';

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const NAMESPACE = /^[a-z0-9][a-z0-9._-]{0,127}$/;

export const retryPolicySchema = z
  .object({
    max_attempts: z.number().int().min(1).max(100),
    initial_interval: durationString,
    max_interval: durationString,
    multiplier: z.number().min(1).max(100),
  })
  .partial()
  .strict();

/** A job as a user writes it (POST/PUT /api/v1/jobs). */
export const jobSchema = z
  .object({
    id: z.string().regex(ID, 'must be 1-128 letters, digits, ".", "_" or "-", starting with a letter or digit').optional(),
    name: z.string().min(1).max(256).optional(),
    namespace: z.string().regex(NAMESPACE, 'must be 1-128 lower-case letters, digits, ".", "_" or "-"').default('default'),
    description: z.string().max(4096).optional(),
    timeout: durationString.optional(),
    retry_policy: retryPolicySchema.optional(),
    schedule: scheduleSchema.optional(),
    /** A disabled (paused) job does not fire on its schedule; it can still be triggered by hand. */
    enabled: z.boolean().optional(),
    misfire: z.enum(['skip', 'run_once', 'catch_up']).optional(),
    catch_up_limit: z.number().int().min(1).max(1000).optional(),
    overlap: z.enum(['allow', 'skip']).optional(),
    /** Inbound webhook URLs that start the job. */
    triggers: triggersSchema.optional(),
    webhook: webhookSchema,
  })
  .strict();

export type JobInput = z.input<typeof jobSchema>;
export type JobSpec = z.output<typeof jobSchema> & { id: string; name: string };
export type RetryPolicyInput = z.output<typeof retryPolicySchema>;

/** A stored job: its spec plus bookkeeping. */
export interface Job extends JobSpec {
  enabled: boolean;
  next_run_at: string | null;
  last_run_at: string | null;
  created_at: string;
  updated_at: string;
}
