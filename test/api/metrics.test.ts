import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { withNode } from '../support/fixture.js';
import { createJob, trigger, waitForExecution } from '../support/jobs.js';
import { hookUrl, KEY } from '../support/hooks.js';
import { STORE_KINDS } from '../support/stores.js';
import { waitUntil } from '../support/wait.js';
import type { Running } from '../support/harness.js';

/** The samples of a Prometheus text page, by name with labels as written (`name{a="b"}`). */
async function scrape(node: Running, headers: Record<string, string> = {}): Promise<Map<string, number>> {
  const res = await fetch(`${node.url}/metrics`, { headers });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
  const samples = new Map<string, number>();
  for (const line of (await res.text()).split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

for (const kind of STORE_KINDS) {
  describe(`metrics: ${kind.name}`, () => {
    test('executions, attempts, delivery times, hook calls, ticks and commits are counted; process metrics are there', async () => {
      const start = Date.parse('2026-06-01T12:00:30Z');
      await withNode(kind, { startAt: start }, async ({ node, clock, receiver }) => {
        receiver.respond((req, res) => void res.writeHead(req.path === '/fail' ? 500 : 200).end());
        await createJob(node, { id: 'ok', webhook: { url: `${receiver.url}/ok` }, triggers: [{ type: 'webhook', key: KEY, secret: 'hook-secret', conditions: ['trigger.body.go == true'] }] });
        await createJob(node, { id: 'bad', retry_policy: { max_attempts: 1 }, webhook: { url: `${receiver.url}/fail` } });
        await createJob(node, { id: 'tick', schedule: { every: '1m' }, webhook: { url: `${receiver.url}/ok` } });
        await waitForExecution(node, 'ok', await trigger(node, 'ok'));
        await waitForExecution(node, 'bad', await trigger(node, 'bad'));
        const call = (body: unknown, secret = 'hook-secret') => node.api('POST', hookUrl('default', 'ok'), body, { 'x-webhook-secret': secret });
        const accepted = await call({ go: true });
        assert.equal(accepted.status, 200);
        await waitForExecution(node, 'ok', accepted.body.id);
        assert.equal((await call({ go: false })).status, 204);
        assert.equal((await call({ go: true }, 'wrong')).status, 401);
        clock.set(start + 60_000);
        await waitUntil(async () => (await node.api('GET', '/api/v1/jobs/tick/executions')).body.items.length === 1, 10_000, 'the tick');

        let m = new Map<string, number>();
        await waitUntil(async () => {
          m = await scrape(node);
          return m.get('hookline_hook_invocations_total{result="rejected"}') === 1 && m.get('hookline_executions_total{outcome="succeeded"}') === 3;
        }, 10_000, () => `the counts; have ${JSON.stringify([...m].filter(([k]) => k.startsWith('hookline_')))}`);
        assert.equal(m.get('hookline_executions_total{outcome="succeeded"}'), 3);
        assert.equal(m.get('hookline_executions_total{outcome="failed"}'), 1);
        assert.equal(m.get('hookline_attempts_total{outcome="success"}'), 3);
        assert.equal(m.get('hookline_attempts_total{outcome="http_5xx"}'), 1);
        assert.equal(m.get('hookline_delivery_duration_seconds_count'), 4);
        assert.equal(m.get('hookline_hook_invocations_total{result="accepted"}'), 1);
        assert.equal(m.get('hookline_hook_invocations_total{result="filtered"}'), 1);
        assert.equal(m.get('hookline_schedule_lateness_seconds_count'), 1);
        assert.ok((m.get('hookline_store_commit_duration_seconds_count{kind="executions"}') ?? 0) >= 2);
        assert.ok((m.get('hookline_store_commit_duration_seconds_count{kind="outcomes"}') ?? 0) >= 1);
        assert.equal(m.get('hookline_runs_due'), 0);
        // Triggers, the tick and the hook call each wrote their run leased to this node's worker.
        assert.equal(m.get('hookline_runs_started_total{via="handed"}'), 4);
        assert.equal(m.get('hookline_runs_started_total{via="claimed"}') ?? 0, 0);
        assert.ok(m.has('process_cpu_user_seconds_total'), 'Node process metrics');
      });
    });

    test('a run the worker has no free slot for when it is written waits in the store, and the worker claims it once a slot frees', async () => {
      await withNode(kind, { config: { worker: { concurrency: 1 } } }, async ({ node, receiver }) => {
        let release!: () => void;
        const held = new Promise<void>((r) => (release = r));
        receiver.respond(async (req, res) => {
          if (req.path === '/held') await held;
          res.writeHead(200).end();
        });
        await createJob(node, { id: 'held', webhook: { url: `${receiver.url}/held` } });
        await createJob(node, { id: 'hooked', webhook: { url: `${receiver.url}/ok` }, triggers: [{ type: 'webhook', key: KEY }] });
        const first = await trigger(node, 'held');
        await waitUntil(async () => receiver.requests.some((r) => r.path === '/held'), 10_000, 'the first call to be in flight');
        const call = await node.api('POST', hookUrl('default', 'hooked'), { n: 1 });
        assert.equal(call.status, 200);
        assert.equal((await node.api('GET', `/api/v1/jobs/hooked/executions/${call.body.id}`)).body.status, 'pending', 'no slot: it waits');
        release();
        await waitForExecution(node, 'held', first);
        await waitForExecution(node, 'hooked', call.body.id);
        const m = await scrape(node);
        assert.equal(m.get('hookline_runs_started_total{via="handed"}'), 1);
        assert.equal(m.get('hookline_runs_started_total{via="claimed"}'), 1);
      });
    });

    test('the backlog and how late it is come from the store: runs due and not taken, and the oldest one\'s wait', async () => {
      const start = Date.parse('2026-06-01T12:00:00Z');
      await withNode(kind, { startAt: start, config: { roles: ['api'] } }, async ({ node, clock, receiver }) => {
        await createJob(node, { id: 'waiting', webhook: { url: receiver.url } });
        for (let i = 0; i < 3; i++) await trigger(node, 'waiting');
        clock.set(start + 10_000);
        const m = await scrape(node);
        assert.equal(m.get('hookline_runs_due'), 3);
        assert.equal(m.get('hookline_oldest_due_run_age_seconds'), 10);
      });
    });

    test('with an API token, /metrics wants it', async () => {
      await withNode(kind, { config: { api_token: 'metrics-token' } }, async ({ node }) => {
        const refused = await fetch(`${node.url}/metrics`);
        assert.equal(refused.status, 401);
        assert.equal((await refused.json()).error.code, 'UNAUTHORIZED');
        assert.ok((await scrape(node, { authorization: 'Bearer metrics-token' })).has('hookline_runs_due'));
      });
    });
  });
}
