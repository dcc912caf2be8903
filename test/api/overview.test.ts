import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { withNode } from '../support/fixture.js';
import { createJob, trigger, waitForExecution } from '../support/jobs.js';
import { STORE_KINDS } from '../support/stores.js';

const T0 = Date.parse('2026-06-01T12:00:30Z');

for (const kind of STORE_KINDS) {
  describe(`overview: ${kind.name}`, () => {
    test('counts attempts by minute and outcome, the success rate and delivery times, the jobs failing most and the next runs', async () => {
      await withNode(kind, { startAt: T0 }, async ({ node, clock, receiver }) => {
        receiver.respond((req, res) => void res.writeHead(req.path === '/fail' ? 500 : 200).end());
        await createJob(node, { id: 'ok', webhook: { url: `${receiver.url}/ok` } });
        await createJob(node, { id: 'bad', retry_policy: { max_attempts: 1 }, webhook: { url: `${receiver.url}/fail` } });
        await createJob(node, { id: 'hourly', schedule: { every: '1h' }, webhook: { url: `${receiver.url}/ok` } });
        for (const job of ['ok', 'ok', 'ok', 'bad', 'bad']) await waitForExecution(node, job, await trigger(node, job));
        clock.set(T0 + 120_000);
        await waitForExecution(node, 'ok', await trigger(node, 'ok'));

        const res = await node.api('GET', '/api/v1/overview');
        assert.equal(res.status, 200, res.text);
        const o = res.body;
        assert.equal(o.window, '1h');
        assert.equal(o.bucket_seconds, 60);
        assert.equal(o.buckets.length, 60);
        const at = (ms: number) => new Date(Math.floor(ms / 60_000) * 60_000).toISOString();
        const first = o.buckets.find((b: { at: string }) => b.at === at(T0));
        const last = o.buckets.at(-1);
        assert.equal(last.at, at(T0 + 120_000));
        assert.deepEqual([first.success, first.http_5xx, last.success, last.http_5xx], [3, 2, 1, 0]);
        assert.equal(o.attempts, 6);
        assert.equal(o.success_rate, 4 / 6);
        assert.ok(o.duration_ms.p50 !== null && o.duration_ms.p99 >= o.duration_ms.p50);
        assert.deepEqual(o.failing_jobs, [{ job_id: 'bad', failures: 2 }]);
        assert.deepEqual(o.next_runs, [{ job_id: 'hourly', at: new Date(T0 + 3_600_000).toISOString() }]);
        assert.deepEqual(o.backlog, { due: 0, oldest_due_age_seconds: 0 });

        // Each job shows how its latest execution stands, read in one query for the page.
        const jobs = (await node.api('GET', '/api/v1/jobs')).body.items;
        assert.deepEqual(Object.fromEntries(jobs.map((j: { id: string; last_status: string | null }) => [j.id, j.last_status])), { bad: 'failed', hourly: null, ok: 'succeeded' });

        const day = await node.api('GET', '/api/v1/overview?window=24h');
        assert.equal(day.body.buckets.length, 96);
        assert.equal(day.body.attempts, 6);
        const wrong = await node.api('GET', '/api/v1/overview?window=7d');
        assert.equal(wrong.status, 400);
        assert.equal(wrong.body.error.field, 'window');
      });
    });
  });
}
