import { ForeignDocumentError, type Mapping } from './foreign-document.js';

/**
 * A Kontroler DAG (`kind: DAG`) as a Hookline job: `metadata.name` is the job id, `spec.schedule`
 * its schedule, `spec.webhook` is told when each task ends (as Kontroler does), and tasks run after
 * those their `runAfter` names. Kontroler's tasks run containers, which Hookline does not: a task
 * is taken when it is an HTTP call (`webhook`), and any other is refused, naming what to write.
 */
export function kontrolerDagToJob(dag: Mapping): Mapping {
  const metadata = mapping(dag.metadata, 'metadata');
  const spec = mapping(dag.spec, 'spec');
  for (const key of Object.keys(spec)) if (!SPEC_KEYS.has(key)) throw new ForeignDocumentError(`spec.${key}`, `${key} is a DAG field Hookline does not have; remove it`);
  const job: Mapping = { id: metadata.name };
  if (metadata.namespace !== undefined) job.namespace = metadata.namespace;
  if (spec.schedule !== undefined) job.schedule = spec.schedule;
  if (spec.webhook !== undefined) job.notify = [notification(mapping(spec.webhook, 'spec.webhook'))];
  const tasks = spec.task;
  if (!Array.isArray(tasks) || tasks.length === 0) throw new ForeignDocumentError('spec.task', 'a DAG needs its list of tasks');
  job.tasks = tasks.map((t, i) => task(mapping(t, `spec.task.${i}`), `spec.task.${i}`));
  return job;
}

const SPEC_KEYS = new Set(['schedule', 'webhook', 'task']);
const CONTAINER_KEYS = ['image', 'command', 'args', 'script', 'scriptInjectorImage', 'taskRef', 'podTemplate'];

function notification(webhook: Mapping): Mapping {
  return { url: webhook.url, ...(webhook.verifySSL !== undefined ? { verifySSL: webhook.verifySSL } : {}) };
}

function task(t: Mapping, field: string): Mapping {
  const container = CONTAINER_KEYS.find((key) => t[key] !== undefined);
  if (container && t.webhook === undefined) {
    const what = t.image ? `a container task (image ${String(t.image)})` : t.taskRef ? 'a task reference' : 'a container task';
    throw new ForeignDocumentError(
      `${field}.${container}`,
      `task ${String(t.name)}: ${what} is not something Hookline runs. Hookline's tasks are HTTP calls: give the task a webhook (url, method, body) that does the work, e.g. a service that runs the container`,
    );
  }
  if (container) throw new ForeignDocumentError(`${field}.${container}`, `task ${String(t.name)}: has a webhook and ${container}; a Hookline task is only its webhook`);
  const out: Mapping = { name: t.name, webhook: t.webhook, depends_on: t.runAfter ?? [] };
  const backoff = t.backoff as Mapping | undefined;
  // Kontroler's backoff limit counts retries; Hookline's max_attempts counts the first try too.
  if (backoff?.limit !== undefined) out.retry_policy = { max_attempts: Number(backoff.limit) + 1 };
  for (const key of Object.keys(t)) if (!TASK_KEYS.has(key)) throw new ForeignDocumentError(`${field}.${key}`, `task ${String(t.name)}: ${key} is not a task field Hookline has`);
  return out;
}

const TASK_KEYS = new Set(['name', 'webhook', 'runAfter', 'backoff']);

function mapping(value: unknown, field: string): Mapping {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ForeignDocumentError(field, 'expected a mapping');
  return value as Mapping;
}
