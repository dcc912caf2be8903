import assert from 'node:assert/strict';
import type { Running } from './harness.js';
import { createJob } from './jobs.js';
import { waitUntil } from './wait.js';

export const KEY = '4wjtkzwVGBM9yKnjm3yv8r';

export const hookUrl = (namespace: string, job: string, key = KEY) => `/api/v1/executions/webhook/${namespace}/${job}/${key}`;

/** Creates a job with one hook (key KEY unless `trigger` says) and returns its hook's id. */
export async function createHookJob(node: Running, job: Record<string, unknown>, trigger: Record<string, unknown> = {}): Promise<string> {
  const created = await createJob(node, { webhook: { url: 'http://127.0.0.1:9/' }, ...job, triggers: [{ type: 'webhook', key: KEY, ...trigger }] });
  return created.triggers[0].hook_id;
}

/** A hook's invocation log, newest first. */
export async function invocationsOf(node: Running, hookId: string, query = ''): Promise<any[]> {
  const res = await node.api('GET', `/api/v1/hooks/${hookId}/invocations?limit=500${query}`);
  assert.equal(res.status, 200, res.text);
  return res.body.items;
}

/** Waits until a hook's log holds `count` invocations (refusals are logged once answered); returns them. */
export async function waitForInvocations(node: Running, hookId: string, count: number): Promise<any[]> {
  let items: any[] = [];
  await waitUntil(async () => (items = await invocationsOf(node, hookId)).length >= count, 10_000, () => `${count} invocations; have ${JSON.stringify(items)}`);
  return items;
}
