import { createBatchLoader } from '../batch-loader.js';
import type { EndpointCodec } from '../endpoints/endpoint-codec.js';
import type { Endpoint } from '../endpoints/endpoint-schema.js';
import { gateOf } from '../endpoints/delivery-settings.js';
import { EndpointGoneError, resolveWebhook, webhookOf } from '../endpoints/resolve-webhook.js';
import { notifySettings, taskSettings, type JobPlan, type RunSettings } from '../jobs/job-plan.js';
import type { JobSpec } from '../jobs/job-schema.js';
import type { createSpecCache } from '../jobs/spec-cache.js';
import { namesEndpoint, type Webhook, type WebhookSpec } from '../jobs/webhook-schema.js';
import type { ClaimedRun, NotifyFacts, RunCompletion, Store } from '../store/store.js';

/** Everything one attempt of a run needs: the webhook to call, what its templates see, and its settings. */
export interface PreparedCall {
  webhook: Webhook;
  data: Record<string, unknown>;
  settings: RunSettings;
  /** What the completion adds: for a task, where it stands in its graph and whom to notify; for a delivery, its endpoint's gate. */
  completion: Pick<RunCompletion, 'graph' | 'notify' | 'delivery'>;
  /** The task's result is read by later templates, so it is kept. */
  keepOutput: boolean;
  /** The endpoint the call goes through, when its webhook names one. */
  endpoint?: string;
  /** The type of the event a delivery takes. */
  eventType?: string;
}

/** A run that cannot be called as it stands (its task or endpoint is gone): it fails, unretried. */
export class UnpreparedRun extends Error {
  readonly code = 'CONFIG_ERROR';
}

/**
 * Kontroler's notification payload, and more: written as a template over the event, so that what
 * the event holds is JSON-escaped like any template value.
 */
export const DEFAULT_NOTIFY_BODY =
  '{"status": {{ event.status }}, "dagRunId": {{ event.dagRunId }}, "taskName": {{ event.taskName }}, ' +
  '"event": {{ event.event }}, "job": {{ event.job }}, "namespace": {{ event.namespace }}, ' +
  '"executionId": {{ event.executionId }}, "attempts": {{ event.attempts }}, "durationMs": {{ event.durationMs }}, ' +
  '"error": {{ event.error }}}';

const NOTIFY_PREFIX = 'notify-';

/**
 * Prepares claimed runs: a task's webhook (through its endpoint, read as the call is made, so a
 * changed endpoint applies at once) with the results of the tasks before it; a notification's
 * target with its event. Endpoints and results asked for in the same turn are read in one query.
 */
export function createRunCalls(deps: { store: Store; openSpec: ReturnType<typeof createSpecCache>; endpoints: EndpointCodec }) {
  const endpointOf = createBatchLoader<string, Endpoint>(async (names) => {
    const rows = await deps.store.getEndpoints(names);
    return new Map(rows.map((row) => [row.name, deps.endpoints.open(row)]));
  });
  const outputsOf = createBatchLoader<string, Record<string, unknown>>(async (ids) => {
    const found = new Map<string, Record<string, unknown>>();
    for (const row of await deps.store.taskOutputs(ids)) {
      const outputs = found.get(row.execution_id) ?? {};
      outputs[row.name] = JSON.parse(row.output);
      found.set(row.execution_id, outputs);
    }
    return found;
  });

  async function resolve(spec: WebhookSpec): Promise<{ webhook: Webhook; endpoint?: Endpoint }> {
    if (!namesEndpoint(spec)) return { webhook: spec };
    const endpoint = await endpointOf(spec.endpoint);
    try {
      return { webhook: resolveWebhook(spec, endpoint), endpoint };
    } catch (err) {
      if (err instanceof EndpointGoneError) throw new UnpreparedRun(err.message);
      throw err;
    }
  }

  async function task(run: ClaimedRun, spec: JobSpec, plan: JobPlan, trigger: unknown): Promise<PreparedCall> {
    const place = plan.tasks.get(run.name);
    if (!place) throw new UnpreparedRun(`the job has no task ${run.name} any more`);
    const { webhook, endpoint } = await resolve(place.task.webhook);
    const outputs = place.upstream.size > 0 ? ((await outputsOf(run.execution_id)) ?? {}) : {};
    return {
      webhook,
      data: { trigger, outputs },
      settings: endpoint ? taskSettings(spec, place.task, endpoint) : place.settings,
      completion: completionOf(run, plan),
      keepOutput: plan.outputsRead.has(run.name),
      endpoint: endpoint?.name,
    };
  }

  async function notification(run: ClaimedRun, plan: JobPlan, trigger: unknown): Promise<PreparedCall> {
    const entry = plan.notify[Number(run.name.slice(NOTIFY_PREFIX.length))];
    if (!entry) throw new UnpreparedRun(`the job has no notify entry ${run.name} any more`);
    const n = entry.spec;
    const target: WebhookSpec = n.endpoint ? { endpoint: n.endpoint } : { url: n.url!, method: 'POST', headers: {} };
    const { webhook, endpoint } = await resolve(target);
    const tls = n.verifySSL === undefined ? {} : { tls_skip_verify: !n.verifySSL };
    const outputs = plan.outputsRead.size > 0 ? ((await outputsOf(run.execution_id)) ?? {}) : {};
    return {
      webhook: { ...webhook, ...tls, body: n.body ?? DEFAULT_NOTIFY_BODY },
      data: { trigger, outputs, event: eventOf(run, JSON.parse(run.input!) as NotifyFacts) },
      settings: endpoint ? notifySettings(endpoint) : entry.settings,
      completion: completionOf(run, plan),
      keepOutput: false,
      endpoint: endpoint?.name,
    };
  }

  /** An event to its endpoint: the endpoint as it now is, the payload as it was published. */
  async function delivery(run: ClaimedRun): Promise<PreparedCall> {
    const endpoint = await endpointOf(run.name);
    if (!endpoint) throw new UnpreparedRun(`the endpoint ${run.name} no longer exists`);
    const event = JSON.parse(run.trigger) as { id: string; body: unknown };
    return {
      webhook: { ...webhookOf(endpoint), payload: JSON.stringify(event.body) },
      data: {},
      settings: notifySettings(endpoint),
      completion: { notify: [], delivery: gateOf(endpoint) },
      keepOutput: false,
      endpoint: endpoint.name,
      eventType: run.event_type ?? undefined,
    };
  }

  return async function prepare(run: ClaimedRun): Promise<PreparedCall> {
    if (run.kind === 'delivery') return delivery(run);
    const { spec, plan } = deps.openSpec(run.spec);
    const trigger = JSON.parse(run.trigger) as unknown;
    return run.kind === 'notification' ? notification(run, plan, trigger) : task(run, spec, plan, trigger);
  };
}

export type PrepareRun = ReturnType<typeof createRunCalls>;

/** What a run's completion adds: for a task, where it stands in its graph and whom to notify; for a notification, nothing. */
export function completionOf(run: ClaimedRun, plan: JobPlan | undefined): Pick<RunCompletion, 'graph' | 'notify'> {
  if (run.kind !== 'task' || !plan) return { notify: [] };
  const place = plan.tasks.get(run.name);
  const graph = plan.single || !place ? undefined : { dependents: place.dependents, downstream: place.downstream };
  return { graph, notify: plan.rules };
}

/** What a notification's templates see as `event`: Kontroler's fields, and Hookline's. */
function eventOf(run: ClaimedRun, facts: NotifyFacts) {
  return {
    status: facts.status === 'succeeded' ? 'success' : 'failed',
    dagRunId: run.execution_id,
    taskName: facts.task,
    event: facts.event,
    job: run.job_id,
    namespace: run.namespace,
    executionId: run.execution_id,
    attempts: facts.attempts,
    durationMs: facts.duration_ms,
    error: facts.error,
  };
}
