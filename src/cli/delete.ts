import type { ApiClient } from './api-client.js';
import { UsageError } from './run-verbs.js';

/** What `hookline delete` removes, and where: kubectl's singular and plural names alike. */
const DELETABLE: Record<string, { path: (name: string) => string; what: string }> = {
  job: { path: (n) => `/api/v1/jobs/${encodeURIComponent(n)}`, what: 'job' },
  endpoint: { path: (n) => `/api/v1/endpoints/${encodeURIComponent(n)}`, what: 'endpoint' },
  'event-type': { path: (n) => `/api/v1/event-types/${encodeURIComponent(n)}`, what: 'event type' },
  bin: { path: (n) => `/api/v1/inspector/${encodeURIComponent(n)}`, what: 'inspector bin' },
};
const PLURALS: Record<string, string> = { jobs: 'job', endpoints: 'endpoint', 'event-types': 'event-type', bins: 'bin' };
export const DELETABLE_KINDS = Object.keys(DELETABLE);

/** `hookline delete KIND NAME`: deletes it, or says why the server would not. */
export async function deleteOne(client: ApiClient, kindName: string, name: string): Promise<string> {
  if (kindName === 'hook' || kindName === 'hooks') {
    throw new UsageError("a hook is one of its job's triggers: remove the trigger from the job (hookline apply), or disable the hook (hookline hooks disable ID)");
  }
  const kind = DELETABLE[PLURALS[kindName] ?? kindName];
  if (!kind) throw new UsageError(`cannot delete ${kindName}: delete takes ${DELETABLE_KINDS.join(', ')}`);
  await client.send('DELETE', kind.path(name));
  return `${kind.what} ${name} deleted\n`;
}
