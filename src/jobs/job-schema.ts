import { z } from 'zod';
import { triggersSchema } from '../hooks/trigger-schema.js';
import { scheduleSchema } from '../scheduler/schedule-schema.js';
import type { NotifyEvent } from '../store/store.js';
import { DURATION_RANGES } from '../config/defaults.js';
import { durationIn } from '../duration-schema.js';
import { callTimeout, ENDPOINT_NAME, urlTemplate, webhookSpecSchema } from './webhook-schema.js';

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
export const NAMESPACE = /^[a-z0-9][a-z0-9._-]{0,127}$/;

export const retryPolicySchema = z
  .object({
    max_attempts: z.number().int().min(1).max(100),
    initial_interval: durationIn(DURATION_RANGES.retry_interval),
    max_interval: durationIn(DURATION_RANGES.retry_interval),
    multiplier: z.number().min(1).max(100),
  })
  .partial()
  .strict();

/** A task's name: letters, digits, `_` and `-` (a name with `-` is read as `outputs['my-task']`). */
export const TASK_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export const taskSchema = z
  .object({
    name: z.string().regex(TASK_NAME, 'must be 1-64 letters, digits, "_" or "-", starting with a letter or digit'),
    description: z.string().max(4096).optional(),
    webhook: webhookSpecSchema,
    depends_on: z.array(z.string()).max(100).default([]),
    timeout: callTimeout.optional(),
    retry_policy: retryPolicySchema.optional(),
  })
  .strict();

export const NOTIFY_EVENTS = ['task.succeeded', 'task.failed', 'execution.succeeded', 'execution.failed'] as const;
/** Kontroler's notifications: one when each task ends. */
export const DEFAULT_NOTIFY_ON: NotifyEvent[] = ['task.succeeded', 'task.failed'];

/** Whom to tell when a task or the execution ends: a URL, or an endpoint. */
export const notifySchema = z
  .object({
    url: urlTemplate.refine((u) => !/^https?:\/\/[^\/?#]*@/i.test(u), 'cannot carry credentials; use an endpoint with auth').optional(),
    endpoint: z.string().regex(ENDPOINT_NAME, 'must name an endpoint').optional(),
    verifySSL: z.boolean().optional(),
    on: z.array(z.enum(NOTIFY_EVENTS)).min(1).optional(),
    /** A template that replaces Kontroler's payload; it sees `event`, `trigger` and `outputs`. */
    body: z
      .union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())])
      .transform((b) => (typeof b === 'string' ? b : JSON.stringify(b)))
      .optional(),
  })
  .strict()
  .superRefine((n, ctx) => {
    if ((n.url === undefined) === (n.endpoint === undefined)) ctx.addIssue({ code: 'custom', path: ['url'], message: 'give url or endpoint, one of them' });
  });

/** A job as a user writes it (POST/PUT /api/v1/jobs). */
export const jobSchema = z
  .object({
    id: z.string().regex(ID, 'must be 1-128 letters, digits, ".", "_" or "-", starting with a letter or digit').optional(),
    name: z.string().min(1).max(256).optional(),
    namespace: z.string().regex(NAMESPACE, 'must be 1-128 lower-case letters, digits, ".", "_" or "-"').default('default'),
    description: z.string().max(4096).optional(),
    timeout: callTimeout.optional(),
    retry_policy: retryPolicySchema.optional(),
    schedule: scheduleSchema.optional(),
    /** A disabled (paused) job does not fire on its schedule; it can still be triggered by hand. */
    enabled: z.boolean().optional(),
    misfire: z.enum(['skip', 'run_once', 'catch_up']).optional(),
    catch_up_limit: z.number().int().min(1).max(1000).optional(),
    overlap: z.enum(['allow', 'skip']).optional(),
    /** Inbound webhook URLs that start the job. */
    triggers: triggersSchema.optional(),
    /** One call (the Chronos shape), or `tasks`. */
    webhook: webhookSpecSchema.optional(),
    /** Several calls, each when the tasks it depends on succeeded (the Kontroler shape). */
    tasks: z.array(taskSchema).min(1).max(100).optional(),
    /** Whom to tell when tasks or the execution end. */
    notify: z.array(notifySchema).max(20).optional(),
  })
  .strict();

export type JobInput = z.input<typeof jobSchema>;
export type JobSpec = z.output<typeof jobSchema> & { id: string; name: string };
export type RetryPolicyInput = z.output<typeof retryPolicySchema>;
export type TaskSpec = z.output<typeof taskSchema>;
export type NotifySpec = z.output<typeof notifySchema>;

/** A stored job: its spec plus bookkeeping. */
export interface Job extends JobSpec {
  enabled: boolean;
  next_run_at: string | null;
  last_run_at: string | null;
  created_at: string;
  updated_at: string;
}
