import { DEFAULTS } from '../config/defaults.js';
import { parseDuration } from '../duration.js';
import { resolveRetryPolicy, type RetryPolicy } from '../http/retry-policy.js';
import type { NotifyEvent, NotifyRule } from '../store/store.js';
import { templateRefs } from '../template/template.js';
import { DEFAULT_NOTIFY_ON, type JobSpec, type NotifySpec, type RetryPolicyInput, type TaskSpec } from './job-schema.js';
import { taskPlaces, tasksOf, type TaskPlace } from './task-graph.js';
import type { WebhookSpec } from './webhook-schema.js';

/** How a run is made: its attempts and the deadline of each call. */
export interface RunSettings {
  policy: RetryPolicy;
  maxAttempts: number;
  timeoutMs: number;
}

/** What an endpoint adds to the settings of the calls made through it. */
export interface EndpointSettings {
  timeout?: string;
  retry_policy?: RetryPolicyInput;
}

export interface TaskPlan extends TaskPlace {
  /** Its settings as far as the job says; an endpoint it names may change them when the call is made. */
  settings: RunSettings;
}

export interface NotifyPlan {
  target: number;
  spec: NotifySpec;
  on: NotifyEvent[];
  settings: RunSettings;
}

/** A job's calls worked out once: its tasks in their graph, with settings, and its notify entries. */
export interface JobPlan {
  tasks: Map<string, TaskPlan>;
  /** The tasks that wait for none. */
  roots: string[];
  /** One task and nothing else: its end is the execution's. */
  single: boolean;
  notify: NotifyPlan[];
  /** The notify entries as completions hand them to the store. */
  rules: NotifyRule[];
  /** The tasks whose results some template reads (`outputs.<task>`): only theirs are kept. */
  outputsRead: Set<string>;
}

export function planOf(spec: Pick<JobSpec, 'webhook' | 'tasks' | 'notify' | 'timeout' | 'retry_policy'>): JobPlan {
  const tasks = tasksOf(spec);
  const places = taskPlaces(tasks);
  const plans = new Map(tasks.map((t) => [t.name, { ...places.get(t.name)!, settings: taskSettings(spec, t) }]));
  const notify = (spec.notify ?? []).map((n, target) => ({ target, spec: n, on: n.on ?? DEFAULT_NOTIFY_ON, settings: settingsOf({}) }));
  return {
    tasks: plans,
    roots: tasks.filter((t) => t.depends_on.length === 0).map((t) => t.name),
    single: tasks.length === 1,
    notify,
    rules: notify.map((n) => ({ target: n.target, on: n.on, max_attempts: n.settings.maxAttempts, timeout_ms: n.settings.timeoutMs })),
    outputsRead: outputsRead(tasks, spec.notify ?? []),
  };
}

function outputsRead(tasks: TaskSpec[], notify: NotifySpec[]): Set<string> {
  const templates = [
    ...tasks.flatMap((t) => [t.webhook.url, t.webhook.body, ...Object.values(t.webhook.headers ?? {})]),
    ...notify.flatMap((n) => [n.url, n.body]),
  ];
  const read = new Set<string>();
  for (const template of templates) if (template !== undefined) for (const task of templateRefs(template).outputs) read.add(task);
  return read;
}

/**
 * A task's settings. Timeout: its webhook's, else its endpoint's, else the task's, else the job's.
 * Retry policy, field by field: the task's, else its endpoint's, else the job's, else the defaults.
 */
export function taskSettings(
  spec: Pick<JobSpec, 'timeout' | 'retry_policy'>,
  task: Pick<TaskSpec, 'timeout' | 'retry_policy'> & { webhook: Pick<WebhookSpec, 'timeout'> },
  endpoint: EndpointSettings = {},
): RunSettings {
  return settingsOf({
    timeout: task.webhook.timeout ?? endpoint.timeout ?? task.timeout ?? spec.timeout,
    retry_policy: { ...spec.retry_policy, ...endpoint.retry_policy, ...task.retry_policy },
  });
}

/** A notification's settings: its endpoint's, else the defaults. */
export const notifySettings = (endpoint: EndpointSettings = {}): RunSettings => settingsOf(endpoint);

function settingsOf(s: EndpointSettings): RunSettings {
  const policy = resolveRetryPolicy(s.retry_policy);
  return { policy, maxAttempts: policy.maxAttempts, timeoutMs: parseDuration(s.timeout ?? DEFAULTS.job.timeout)! };
}
