import { v7 as uuidv7 } from 'uuid';
import { resolveRetryPolicy } from '../http/retry-policy.js';
import type { NewExecution } from '../store/store.js';
import type { JobSpec } from './job-schema.js';
import { callTimeoutMs } from './timeouts.js';

export type TriggerType = 'manual' | 'schedule' | 'webhook';

/** What started an execution, and what its templates see as `trigger`. */
export interface ExecutionTrigger {
  type: TriggerType;
  body: unknown;
  headers?: Record<string, string>;
  parameters?: Record<string, unknown>;
  idempotencyKey?: string;
  /** The hook a call came through. */
  hook?: { id: string; trigger_id: string };
  /** A test event sent from the hooks API. */
  test?: boolean;
}

/**
 * A new execution of a job, with its run, from the job's stored row: the execution keeps the
 * spec it was started with, so a later edit of the job does not change it.
 */
export function newExecution(
  job: { id: string; namespace: string; spec: string },
  spec: JobSpec,
  trigger: ExecutionTrigger,
  scheduledTime: number,
  now: number,
): NewExecution {
  const id = uuidv7();
  return {
    id,
    job_id: job.id,
    namespace: job.namespace,
    trigger_type: trigger.type,
    trigger: JSON.stringify({
      type: trigger.type,
      ...(trigger.hook ? { hook: trigger.hook.trigger_id } : {}),
      ...(trigger.test ? { test: true } : {}),
      body: trigger.body ?? null,
      ...(trigger.headers ? { headers: trigger.headers } : {}),
      ...(trigger.parameters ? { parameters: trigger.parameters } : {}),
    }),
    spec: job.spec,
    scheduled_time: scheduledTime,
    idempotency_key: trigger.idempotencyKey,
    hook_id: trigger.hook?.id,
    created_at: now,
    runs: [
      {
        id: uuidv7(),
        kind: 'task',
        name: 'webhook',
        max_attempts: resolveRetryPolicy(spec.retry_policy).maxAttempts,
        timeout_ms: callTimeoutMs(spec),
        message_id: `msg_${id}`,
      },
    ],
  };
}
