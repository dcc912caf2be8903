import assert from 'node:assert/strict';
import type { ManualClock } from '../../src/clock.js';
import type { Running } from './harness.js';
import { waitUntil } from './wait.js';

const FINAL = new Set(['succeeded', 'failed']);

/** Creates a job through the API and insists it worked. */
export async function createJob(node: Running, job: Record<string, unknown>): Promise<any> {
  const res = await node.api('POST', '/api/v1/jobs', job);
  assert.equal(res.status, 201, res.text);
  return res.body;
}

/** Triggers a job through the API; returns the execution id. */
export async function trigger(node: Running, jobId: string, body?: unknown, headers?: Record<string, string>): Promise<string> {
  const res = await node.api('POST', `/api/v1/jobs/${jobId}/trigger`, body, headers);
  assert.equal(res.status, 202, res.text);
  return res.body.id;
}

export async function getExecution(node: Running, jobId: string, id: string): Promise<any> {
  const res = await node.api('GET', `/api/v1/jobs/${jobId}/executions/${id}`);
  assert.equal(res.status, 200, res.text);
  return res.body;
}

/** Waits until the execution satisfies `check` (by default: reached a final state) and returns it. */
export async function waitForExecution(node: Running, jobId: string, id: string, check: (e: any) => boolean = (e) => FINAL.has(e.status), timeoutMs = 10_000): Promise<any> {
  let last: any;
  await waitUntil(async () => check((last = await getExecution(node, jobId, id))), timeoutMs, () => `execution ${id}; last seen: ${JSON.stringify(last)}`);
  return last;
}

/** Waits for a retry to be scheduled, moves the clock to its due time, and returns that time. */
export async function advanceToNextAttempt(node: Running, clock: ManualClock, jobId: string, id: string, attemptsSoFar: number): Promise<number> {
  const e = await waitForExecution(node, jobId, id, (x) => x.attempts === attemptsSoFar && x.next_attempt_at !== null);
  const due = Date.parse(e.next_attempt_at);
  clock.set(due);
  return due;
}

/** Drives an execution through every retry the clock allows until it is final. */
export async function runToEnd(node: Running, clock: ManualClock, jobId: string, id: string): Promise<any> {
  for (;;) {
    const e = await waitForExecution(node, jobId, id, (x) => FINAL.has(x.status) || x.next_attempt_at !== null);
    if (FINAL.has(e.status)) return e;
    clock.set(Date.parse(e.next_attempt_at));
    await waitForExecution(node, jobId, id, (x) => x.attempts > e.attempts);
  }
}
