import { v7 as uuidv7 } from 'uuid';
import type { NewExecution } from '../store/store.js';
import { planOf, type JobPlan } from './job-plan.js';
import type { JobSpec } from './job-schema.js';

export type TriggerType = 'manual' | 'schedule' | 'webhook';

/** What started an execution, and what its templates see as `trigger`. */
export interface ExecutionTrigger {
  type: TriggerType;
  body: unknown;
  /** `body` as JSON text, when the caller has it already (a JSON body is kept as it was sent). */
  bodyJson?: string;
  headers?: Record<string, string>;
  /** `headers` as JSON text, when the caller has it already. */
  headersJson?: string;
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
  plan: JobPlan = planFor(job.spec, spec),
): NewExecution {
  const id = uuidv7();
  return {
    id,
    job_id: job.id,
    namespace: job.namespace,
    trigger_type: trigger.type,
    trigger: triggerJson(trigger),
    spec: job.spec,
    scheduled_time: scheduledTime,
    idempotency_key: trigger.idempotencyKey,
    hook_id: trigger.hook?.id,
    created_at: now,
    runs: [...plan.tasks.values()].map((t) => {
      const runId = uuidv7();
      return {
        id: runId,
        kind: 'task' as const,
        name: t.task.name,
        max_attempts: t.settings.maxAttempts,
        timeout_ms: t.settings.timeoutMs,
        // The one task of a single-webhook job signs as the execution; each task of many as itself.
        message_id: plan.single ? `msg_${id}` : `msg_${runId}`,
        blockers: t.task.depends_on.length,
      };
    }),
  };
}

/** Plans kept by the spec text they were worked out from; the map starts over when it is full. */
const PLAN_CACHE_SIZE = 256;
const plans = new Map<string, JobPlan>();

function planFor(specJson: string, spec: JobSpec): JobPlan {
  let plan = plans.get(specJson);
  if (!plan) {
    if (plans.size >= PLAN_CACHE_SIZE) plans.clear();
    plans.set(specJson, (plan = planOf(spec)));
  }
  return plan;
}

/** The trigger as stored: `{type, hook?, test?, body, headers?, parameters?}`, from JSON text where given. */
function triggerJson(t: ExecutionTrigger): string {
  const parts = [`"type":${JSON.stringify(t.type)}`];
  if (t.hook) parts.push(`"hook":${JSON.stringify(t.hook.trigger_id)}`);
  if (t.test) parts.push('"test":true');
  parts.push(`"body":${t.bodyJson ?? JSON.stringify(t.body ?? null)}`);
  if (t.headers || t.headersJson) parts.push(`"headers":${t.headersJson ?? JSON.stringify(t.headers)}`);
  if (t.parameters) parts.push(`"parameters":${JSON.stringify(t.parameters)}`);
  return `{${parts.join(',')}}`;
}
