import { v7 as uuidv7 } from 'uuid';
import { DEFAULTS } from '../config/defaults.js';
import { parseDuration } from '../duration.js';
import { notFound, unavailable, HttpError } from '../errors.js';
import { resolveRetryPolicy } from '../http/retry-policy.js';
import type { Clock } from '../clock.js';
import type { GroupCommit } from '../store/group-commit.js';
import type { CreatedExecution, NewExecution, Store } from '../store/store.js';
import { JobGoneError } from '../store/sql-store.js';
import { parseSpec } from './job-codec.js';
import type { JobSpec } from './job-schema.js';

export interface TriggerInput {
  type: 'manual';
  body: unknown;
  idempotencyKey?: string;
}

/** The deadline of one call: the webhook's timeout wins over the job's. */
export function callTimeoutMs(spec: Pick<JobSpec, 'timeout' | 'webhook'>): number {
  return parseDuration(spec.webhook.timeout ?? spec.timeout ?? DEFAULTS.job.timeout)!;
}

/** Starts executions: each is committed (with its run) before the caller hears its id. */
export function createTrigger(deps: {
  store: Store;
  clock: Clock;
  commit: GroupCommit<NewExecution, CreatedExecution>;
  onCommitted: () => void;
}) {
  return async function trigger(jobId: string, input: TriggerInput): Promise<CreatedExecution & { job_id: string; namespace: string }> {
    const job = await deps.store.getJob(jobId).catch((err) => {
      throw unavailable(`the store is unavailable: ${(err as Error).message}`);
    });
    if (!job) throw notFound(`job ${jobId}`);
    const spec = parseSpec(job.spec);
    const now = deps.clock.now();
    const id = uuidv7();
    const execution: NewExecution = {
      id,
      job_id: job.id,
      namespace: job.namespace,
      trigger_type: input.type,
      trigger: JSON.stringify({ type: input.type, body: input.body ?? null }),
      spec: job.spec,
      scheduled_time: now,
      idempotency_key: input.idempotencyKey,
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
    const created = await deps.commit.add(execution).catch((err) => {
      if (err instanceof JobGoneError) throw notFound(`job ${jobId}`);
      if (err instanceof HttpError) throw err;
      throw unavailable(`the execution could not be stored: ${(err as Error).message}`);
    });
    if (!created.reused) deps.onCommitted();
    return { ...created, job_id: job.id, namespace: job.namespace };
  };
}

export type Trigger = ReturnType<typeof createTrigger>;
