import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { withNode } from '../support/fixture.js';
import type { Running } from '../support/harness.js';
import type { Received } from '../support/receiver.js';
import { STORE_KINDS } from '../support/stores.js';
import { waitUntil } from '../support/wait.js';

const ONE_TRY = { max_attempts: 1 };
const at = (requests: Received[], path: string) => requests.filter((r) => r.path === path);

async function post(node: Running, path: string, body: unknown, status: number): Promise<any> {
  const res = await node.api('POST', path, body);
  assert.equal(res.status, status, res.text);
  return res.body;
}

async function settled(node: Running, ids: string[]): Promise<any[]> {
  let events: any[] = [];
  await waitUntil(async () => {
    events = await Promise.all(ids.map(async (id) => (await node.api('GET', `/api/v1/events/${id}`)).body));
    return events.every((e) => e.status !== 'pending');
  }, 15_000, 'every event ended');
  return events;
}

for (const kind of STORE_KINDS) {
  describe(`replay: ${kind.name}`, () => {
    test('failed deliveries sent again by endpoint, type and time; the dry run counts what is then sent; skip_received; one delivery resent', async () => {
      let flakyUp = false;
      await withNode(kind, {}, async ({ node, clock, receiver }) => {
        receiver.respond((req, res) => void res.writeHead(req.path === '/flaky' && !flakyUp ? 500 : 200).end());
        const since = new Date(clock.now()).toISOString();
        // Its circuit stays closed through 13 failures: this test is about replays, not the breaker.
        await post(node, '/api/v1/endpoints', { name: 'flaky', url: `${receiver.url}/flaky`, subscriptions: ['order.*'], retry_policy: ONE_TRY, circuit_breaker: { failures: 100 } }, 201);
        await post(node, '/api/v1/endpoints', { name: 'steady', url: `${receiver.url}/steady`, subscriptions: ['order.*'], retry_policy: ONE_TRY }, 201);
        const ids: string[] = [];
        for (let n = 1; n <= 10; n++) ids.push((await post(node, '/api/v1/events', { type: 'order.created', payload: { n } }, 202)).id);
        for (let n = 11; n <= 13; n++) ids.push((await post(node, '/api/v1/events', { type: 'order.cancelled', payload: { n } }, 202)).id);
        assert.ok((await settled(node, ids)).every((e) => e.status === 'failed'));
        clock.advance(1_000);

        const all = await post(node, '/api/v1/replays', { endpoint: 'flaky', since, dry_run: true }, 200);
        assert.deepEqual(all, { dry_run: true, resent: 13, added: 0, truncated: false });
        const created = await post(node, '/api/v1/replays', { endpoint: 'flaky', type: 'order.created', since, dry_run: true }, 200);
        assert.equal(created.resent, 10);
        const none = await post(node, '/api/v1/replays', { endpoint: 'flaky', since: new Date(clock.now()).toISOString(), dry_run: true }, 200);
        assert.equal(none.resent, 0, 'nothing was published since then');
        assert.equal((await post(node, '/api/v1/replays', { endpoint: 'steady', since, dry_run: true }, 200)).resent, 0, 'nothing of steady failed');

        flakyUp = true;
        const sent = await post(node, '/api/v1/replays', { endpoint: 'flaky', type: 'order.created', since }, 202);
        assert.equal(sent.resent, created.resent, 'the dry run counted what was sent');
        await waitUntil(() => at(receiver.requests, '/flaky').length === 23, 10_000, '10 more requests at flaky');
        const after = await settled(node, ids);
        assert.deepEqual(after.map((e) => e.status), [...Array(10).fill('succeeded'), 'failed', 'failed', 'failed']);
        // Each resend carries the event's id (its webhook-id when signed).
        const first = at(receiver.requests, '/flaky').filter((r) => JSON.parse(r.body).n === 1);
        assert.deepEqual(first.map((r) => r.headers['x-hookline-event-id']), [ids[0], ids[0]]);

        // Its success rate over time counts every attempt: 13 failed, then 10 succeeded.
        const stats = (await node.api('GET', '/api/v1/endpoints/flaky/stats?window=1h')).body;
        const sum = (key: 'attempts' | 'succeeded') => stats.buckets.reduce((n: number, b: any) => n + b[key], 0);
        assert.deepEqual([sum('attempts'), sum('succeeded'), stats.bucket_ms], [23, 10, 60_000]);

        // Every ended delivery of flaky, but those it once received: only the three cancelled ones.
        assert.equal((await post(node, '/api/v1/replays', { endpoint: 'flaky', status: 'all', skip_received: true, since, dry_run: true }, 200)).resent, 3);
        assert.equal((await post(node, '/api/v1/replays', { status: 'all', since, dry_run: true }, 200)).resent, 26, 'every delivery of every endpoint');

        const again = await post(node, `/api/v1/events/${ids[0]}/resend`, { endpoint: 'steady' }, 202);
        assert.equal(again.endpoint, 'steady');
        await waitUntil(() => at(receiver.requests, '/steady').filter((r) => JSON.parse(r.body).n === 1).length === 2, 10_000, 'the resend');
        assert.equal((await node.api('POST', `/api/v1/events/${ids[0]}/resend`, { endpoint: 'nobody' })).status, 404);
      });
    });

    test('an endpoint subscribed late gets the events it never had that its filter takes: the dry run counts them', async () => {
      await withNode(kind, {}, async ({ node, clock, receiver }) => {
        const since = new Date(clock.now()).toISOString();
        for (let n = 1; n <= 8; n++) await post(node, '/api/v1/events', { type: n % 2 ? 'invoice.paid' : 'invoice.voided', payload: { n } }, 202);
        await post(node, '/api/v1/events', { type: 'user.created', payload: { n: 100 } }, 202);
        await post(node, '/api/v1/endpoints', { name: 'late', url: receiver.url, subscriptions: ['invoice.*'], filter: 'payload.n > 2' }, 201);
        const bad = await node.api('POST', '/api/v1/replays', { missing: true, since });
        assert.deepEqual([bad.status, bad.body.error.field], [400, 'endpoint']);
        const counted = await post(node, '/api/v1/replays', { endpoint: 'late', status: 'none', missing: true, since, dry_run: true }, 200);
        assert.deepEqual([counted.added, counted.resent], [6, 0]);
        const sent = await post(node, '/api/v1/replays', { endpoint: 'late', status: 'none', missing: true, since }, 202);
        assert.equal(sent.added, counted.added);
        await receiver.waitFor(6);
        await new Promise((r) => setTimeout(r, 200));
        assert.deepEqual(receiver.requests.map((r) => JSON.parse(r.body).n).sort((a, b) => a - b), [3, 4, 5, 6, 7, 8]);
        assert.equal((await post(node, '/api/v1/replays', { endpoint: 'late', status: 'none', missing: true, since, dry_run: true }, 200)).added, 0, 'none is missing any more');
      });
    });
  });
}
