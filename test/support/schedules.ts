import assert from 'node:assert/strict';
import type { Running } from './harness.js';
import { waitUntil } from './wait.js';

/** The job as the API shows it. */
export async function getJob(node: Running, id: string): Promise<any> {
  const res = await node.api('GET', `/api/v1/jobs/${id}`);
  assert.equal(res.status, 200, res.text);
  return res.body;
}

/** Every execution of a job, oldest tick first. */
export async function executionsOf(node: Running, jobId: string): Promise<any[]> {
  const res = await node.api('GET', `/api/v1/jobs/${jobId}/executions?limit=500`);
  assert.equal(res.status, 200, res.text);
  return [...res.body.items].sort((a, b) => a.scheduled_time.localeCompare(b.scheduled_time) || a.created_at.localeCompare(b.created_at));
}

/** The scheduled times of a job's executions, oldest first. */
export async function firedAt(node: Running, jobId: string): Promise<string[]> {
  return (await executionsOf(node, jobId)).map((e) => e.scheduled_time);
}

/** Every tick record of a job, newest first. */
export async function ticksOf(node: Running, jobId: string): Promise<any[]> {
  const res = await node.api('GET', `/api/v1/jobs/${jobId}/ticks?limit=500`);
  assert.equal(res.status, 200, res.text);
  return res.body.items;
}

/**
 * Waits until the scheduler has dealt with every tick of `jobId` up to `now`: its next tick is
 * after now (or it has none). This is how a test knows that a tick which should not fire did not.
 */
export async function ticksSettled(node: Running, jobId: string, now: number): Promise<any> {
  let job: any;
  await waitUntil(
    async () => {
      job = await getJob(node, jobId);
      return job.next_run_at === null || Date.parse(job.next_run_at) > now;
    },
    10_000,
    () => `job ${jobId} to move past ${new Date(now).toISOString()}; next_run_at is ${job?.next_run_at}`,
  );
  return job;
}

/**
 * Waits until `jobId` has `count` executions and every one has ended. Tests wait for this before
 * moving a ManualClock far ahead, which would otherwise lapse the lease of a call still being
 * recorded and have it made again (at-least-once, as after a crash).
 */
export async function executionsEnded(node: Running, jobId: string, count: number): Promise<any[]> {
  let seen: any[] = [];
  await waitUntil(
    async () => {
      seen = await executionsOf(node, jobId);
      return seen.length === count && seen.every((e) => e.status === 'succeeded' || e.status === 'failed');
    },
    10_000,
    () => `${count} ended executions of ${jobId}; seen ${JSON.stringify(seen.map((e) => [e.scheduled_time, e.status]))}`,
  );
  return seen;
}
