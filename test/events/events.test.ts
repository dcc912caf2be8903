import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import type { ManualClock } from '../../src/clock.js';
import { withNode } from '../support/fixture.js';
import type { Running } from '../support/harness.js';
import type { Received, Responder } from '../support/receiver.js';
import { STORE_KINDS } from '../support/stores.js';
import { waitUntil } from '../support/wait.js';

const SIGNING = 'whsec_' + Buffer.from('event-signing-secret-of-32-bytes').toString('base64');
const FAST_RETRY = { max_attempts: 5, initial_interval: '1s', multiplier: 1 };

async function endpoint(node: Running, body: Record<string, unknown>): Promise<void> {
  const res = await node.api('POST', '/api/v1/endpoints', body);
  assert.equal(res.status, 201, res.text);
}

async function publish(node: Running, body: Record<string, unknown>): Promise<string> {
  const res = await node.api('POST', '/api/v1/events', body);
  assert.equal(res.status, 202, res.text);
  return res.body.id;
}

/** The event as the API shows it, once `until` holds of it. */
async function eventWhen(node: Running, id: string, until: (e: any) => boolean, clock?: ManualClock): Promise<any> {
  let last: any;
  await waitUntil(async () => {
    last = (await node.api('GET', `/api/v1/events/${id}`)).body;
    if (until(last)) return true;
    // Retries wait on the node's clock: move it to the soonest one due.
    const due = (last.deliveries ?? []).map((d: any) => d.next_attempt_at).filter(Boolean).map(Date.parse);
    if (clock && due.length > 0) clock.set(Math.max(clock.now(), Math.min(...due)));
    return false;
  }, 15_000, () => `event ${id} as expected; last seen ${JSON.stringify(last)}`);
  return last;
}

/** Answers by path: each path its own sequence of statuses, the last repeated. */
function byPath(statuses: Record<string, number[]>): Responder {
  const seen = new Map<string, number>();
  return (req, res) => {
    const list = statuses[req.path] ?? [200];
    const n = (seen.get(req.path) ?? 0) + 1;
    seen.set(req.path, n);
    res.writeHead(list[Math.min(n, list.length) - 1]).end();
  };
}

const at = (requests: Received[], path: string) => requests.filter((r) => r.path === path);
const pick = (o: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.map((k) => [k, o[k]]));

async function waitForPath(receiver: { requests: Received[] }, path: string, count: number): Promise<Received[]> {
  await waitUntil(() => at(receiver.requests, path).length >= count, 10_000, `${count} requests at ${path}`);
  return at(receiver.requests, path);
}

for (const kind of STORE_KINDS) {
  describe(`events: ${kind.name}`, () => {
    test('one event to three endpoints: the healthy one gets it once, the flaky one until it answers, the gone one once and is disabled', async () => {
      await withNode(kind, { startAt: Date.now(), responder: byPath({ '/flaky': [500, 500, 200], '/gone': [410] }) }, async ({ node, clock, receiver }) => {
        for (const name of ['healthy', 'flaky', 'gone']) {
          const auth = { type: 'bearer', token: `token-of-${name}` };
          await endpoint(node, { name, url: `${receiver.url}/${name}`, subscriptions: ['invoice.*'], signing_secret: SIGNING, retry_policy: FAST_RETRY, auth, headers: { 'X-Team': name } });
        }
        await endpoint(node, { name: 'orders', url: `${receiver.url}/orders`, subscriptions: ['order.created'] });
        await endpoint(node, { name: 'alerts', url: `${receiver.url}/alerts`, subscriptions: ['endpoint.disabled'] });
        const id = await publish(node, { type: 'invoice.paid', payload: { invoice: 'in_1', amount: 4200 } });
        const event = await eventWhen(node, id, (e) => e.status !== 'pending', clock);
        assert.equal(event.status, 'failed', 'one delivery failed for good');
        const byName = Object.fromEntries(event.deliveries.map((d: any) => [d.endpoint, d]));
        assert.deepEqual(Object.keys(byName).sort(), ['flaky', 'gone', 'healthy'], 'the endpoint subscribed to another type got nothing');
        assert.deepEqual([byName.healthy.status, byName.flaky.status, byName.gone.status], ['succeeded', 'succeeded', 'failed']);
        assert.deepEqual([at(receiver.requests, '/healthy').length, at(receiver.requests, '/flaky').length, at(receiver.requests, '/gone').length], [1, 3, 1]);
        assert.equal(at(receiver.requests, '/orders').length, 0);
        // The event id is the webhook-id of every attempt, retries included; each is signed as the standard says.
        // The endpoint's end is an event of its own, delivered to whoever subscribes to it.
        const [alert] = await waitForPath(receiver, '/alerts', 1);
        assert.deepEqual(pick(JSON.parse(alert.body), ['type', 'endpoint']), { type: 'endpoint.disabled', endpoint: 'gone' });
        assert.match(JSON.parse(alert.body).reason, /410 Gone/);
        assert.equal(alert.headers['x-hookline-event-type'], 'endpoint.disabled');
        for (const r of receiver.requests.filter((r) => r.path !== '/alerts')) {
          assert.equal(r.headers['webhook-id'], id);
          assert.deepEqual(new Webhook(SIGNING).verify(r.body, r.headers), { invoice: 'in_1', amount: 4200 });
          assert.equal(r.headers['x-hookline-event-type'], 'invoice.paid');
          // Each with its endpoint's auth and headers.
          const name = r.path.slice(1);
          assert.deepEqual([r.headers.authorization, r.headers['x-team'], r.headers['content-type']], [`Bearer token-of-${name}`, name, 'application/json']);
        }
        assert.equal(byName.flaky.attempt_log.length, 3);
        const gone = (await node.api('GET', '/api/v1/endpoints/gone')).body;
        assert.equal(gone.health.state, 'disabled');
        assert.match(gone.health.reason, /410 Gone/);
        assert.equal((await node.api('GET', '/api/v1/endpoints/healthy')).body.health.state, 'active');
        // A disabled endpoint's new deliveries are kept, not attempted, until it is enabled again.
        const next = await publish(node, { type: 'invoice.voided', payload: { invoice: 'in_1' } });
        await eventWhen(node, next, (e) => e.deliveries.find((d: any) => d.endpoint === 'healthy').status === 'succeeded', clock);
        const held = (await node.api('GET', `/api/v1/events/${next}`)).body.deliveries.find((d: any) => d.endpoint === 'gone');
        assert.equal(held.status, 'held');
        receiver.respond(() => undefined);
        assert.equal((await node.api('POST', '/api/v1/endpoints/gone/resume')).body.health.state, 'active');
        await eventWhen(node, next, (e) => e.status === 'succeeded', clock);
      });
    });

    test("Hookline's own events go the same way: execution.failed, task.failed and hook.disabled reach their subscribers", async () => {
      await withNode(kind, { startAt: Date.now(), responder: byPath({ '/job': [500] }) }, async ({ node, receiver }) => {
        await endpoint(node, { name: 'alerts', url: `${receiver.url}/alerts`, subscriptions: ['execution.failed', 'task.*', 'hook.disabled'], namespace: 'ops' });
        await endpoint(node, { name: 'elsewhere', url: `${receiver.url}/elsewhere`, subscriptions: ['*'] });
        const job = { id: 'nightly', namespace: 'ops', webhook: { url: `${receiver.url}/job` }, retry_policy: { max_attempts: 1 }, triggers: [{ type: 'webhook', id: 'in', key: 'k'.repeat(24) }] };
        assert.equal((await node.api('POST', '/api/v1/jobs', job)).status, 201);
        const run = await node.api('POST', '/api/v1/jobs/nightly/trigger', {});
        assert.equal(run.status, 202, run.text);
        const seen = await waitForPath(receiver, '/alerts', 2);
        const types = seen.map((r) => JSON.parse(r.body).type).sort();
        assert.deepEqual(types, ['execution.failed', 'task.failed']);
        const failed = JSON.parse(seen.find((r) => JSON.parse(r.body).type === 'execution.failed')!.body);
        assert.deepEqual(pick(failed, ['job_id', 'execution_id', 'status']), { job_id: 'nightly', execution_id: run.body.id, status: 'failed' });
        const hooks = (await node.api('GET', '/api/v1/hooks?job=nightly')).body.items;
        assert.equal((await node.api('PATCH', `/api/v1/hooks/${hooks[0].id}`, { enabled: false })).status, 200);
        const [, , hook] = await waitForPath(receiver, '/alerts', 3);
        assert.deepEqual(pick(JSON.parse(hook.body), ['type', 'job_id', 'reason']), { type: 'hook.disabled', job_id: 'nightly', reason: 'disabled by hand' });
        // An endpoint of another namespace hears none of them; the events are listed in their namespace.
        assert.equal(at(receiver.requests, '/elsewhere').length, 0);
        const listed = (await node.api('GET', '/api/v1/events?namespace=ops')).body.items.map((e: any) => e.type).sort();
        assert.deepEqual(listed, ['execution.failed', 'hook.disabled', 'task.failed']);
      });
    });

    test('pause, publish 50 events, resume: all 50 delivered, none attempted while paused, none failed', async () => {
      await withNode(kind, {}, async ({ node, clock, receiver }) => {
        await endpoint(node, { name: 'paused', url: receiver.url, subscriptions: ['*'] });
        const paused = await node.api('POST', '/api/v1/endpoints/paused/pause');
        assert.deepEqual([paused.status, paused.body.health.state], [200, 'paused']);
        const ids: string[] = [];
        for (let i = 0; i < 50; i++) ids.push(await publish(node, { type: 'tick', payload: { i } }));
        // The worker looks for work after each publish; a held delivery is not work.
        await new Promise((r) => setTimeout(r, 300));
        clock.advance(60_000);
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(receiver.requests.length, 0);
        assert.equal((await node.api('GET', `/api/v1/events/${ids[49]}`)).body.deliveries[0].status, 'held');
        await node.api('POST', '/api/v1/endpoints/paused/resume');
        await receiver.waitFor(50);
        for (const id of ids) assert.equal((await eventWhen(node, id, (e) => e.status !== 'pending')).status, 'succeeded');
        assert.deepEqual(receiver.requests.map((r) => JSON.parse(r.body).i).sort((a, b) => a - b), [...Array(50).keys()]);
      });
    });

    test("deleting an endpoint fails its deliveries not yet made, and their events end", async () => {
      await withNode(kind, {}, async ({ node, receiver }) => {
        await endpoint(node, { name: 'going', url: receiver.url, subscriptions: ['*'] });
        await endpoint(node, { name: 'staying', url: receiver.url, subscriptions: ['*'] });
        await node.api('POST', '/api/v1/endpoints/going/pause');
        const id = await publish(node, { type: 'ping', payload: {} });
        await eventWhen(node, id, (e) => e.deliveries.some((d: any) => d.endpoint === 'staying' && d.status === 'succeeded'));
        assert.equal((await node.api('DELETE', '/api/v1/endpoints/going')).status, 204);
        const ended = await eventWhen(node, id, (e) => e.status !== 'pending');
        const going = ended.deliveries.find((d: any) => d.endpoint === 'going');
        assert.deepEqual([ended.status, going.status, going.last_error], ['failed', 'failed', 'the endpoint was deleted']);
        assert.equal(receiver.requests.length, 1);
      });
    });

    test('events are listed by status: pending, succeeded, failed', async () => {
      await withNode(kind, { responder: byPath({ '/good': [200], '/bad': [500] }) }, async ({ node, receiver }) => {
        await endpoint(node, { name: 'good', url: `${receiver.url}/good`, subscriptions: ['good.*'] });
        await endpoint(node, { name: 'bad', url: `${receiver.url}/bad`, subscriptions: ['bad.*'], retry_policy: { max_attempts: 1 } });
        const good = await publish(node, { type: 'good.x', payload: {} });
        const bad = await publish(node, { type: 'bad.x', payload: {} });
        await eventWhen(node, good, (e) => e.status === 'succeeded');
        await eventWhen(node, bad, (e) => e.status === 'failed');
        const listed = async (status: string) => (await node.api('GET', `/api/v1/events?status=${status}`)).body.items.map((e: any) => e.id);
        assert.deepEqual([await listed('succeeded'), await listed('failed'), await listed('pending')], [[good], [bad], []]);
        const wrong = await node.api('GET', '/api/v1/events?status=held');
        assert.deepEqual([wrong.status, wrong.body.error.field], [400, 'status']);
      });
    });

    test('publishing an id again within the window returns the first event and delivers nothing more; another type or payload is a 409; Idempotency-Key is the same', async () => {
      await withNode(kind, {}, async ({ node, clock, receiver }) => {
        await endpoint(node, { name: 'once', url: receiver.url, subscriptions: ['user.created'] });
        const first = await node.api('POST', '/api/v1/events', { type: 'user.created', payload: { n: 1 }, id: 'evt-user-1' });
        const again = await node.api('POST', '/api/v1/events', { type: 'user.created', payload: { n: 1 }, id: 'evt-user-1' });
        assert.deepEqual([first.body.id, first.body.duplicate, again.body.id, again.body.duplicate], ['evt-user-1', false, 'evt-user-1', true]);
        const otherPayload = await node.api('POST', '/api/v1/events', { type: 'user.created', payload: { n: 2 }, id: 'evt-user-1' });
        const otherType = await node.api('POST', '/api/v1/events', { type: 'user.deleted', payload: { n: 1 }, id: 'evt-user-1' });
        assert.deepEqual([otherPayload.status, otherPayload.body.error.field, otherType.status, otherType.body.error.field], [409, 'id', 409, 'id']);
        const keyed = await node.api('POST', '/api/v1/events', { type: 'user.created', payload: { n: 3 } }, { 'idempotency-key': 'key-7' });
        const keyedAgain = await node.api('POST', '/api/v1/events', { type: 'user.created', payload: { n: 3 } }, { 'idempotency-key': 'key-7' });
        assert.deepEqual([keyed.body.id, keyedAgain.body.duplicate], ['key-7', true]);
        assert.equal((await node.api('POST', '/api/v1/events', { type: 'user.created', payload: { n: 4 } }, { 'idempotency-key': 'key-7' })).status, 409);
        await receiver.waitFor(2);
        await new Promise((r) => setTimeout(r, 300));
        assert.deepEqual(receiver.requests.map((r) => JSON.parse(r.body).n).sort(), [1, 3]);
        assert.deepEqual((await node.api('GET', '/api/v1/events/evt-user-1')).body.payload, { n: 1 });
        const listed = await node.api('GET', '/api/v1/events?type=user.created&limit=1');
        assert.deepEqual([listed.body.items.length, listed.body.items[0].id], [1, 'key-7']);
        const rest = await node.api('GET', `/api/v1/events?type=user.created&cursor=${listed.body.next_cursor}`);
        assert.deepEqual(rest.body.items.map((e: any) => e.id), ['evt-user-1']);
        // By time: published at or after `since`, before `until`.
        clock.advance(60_000);
        const later = await publish(node, { type: 'user.deleted', payload: {}, id: 'evt-later' });
        const since = new Date(clock.now()).toISOString();
        assert.deepEqual((await node.api('GET', `/api/v1/events?since=${since}`)).body.items.map((e: any) => e.id), [later]);
        assert.deepEqual((await node.api('GET', `/api/v1/events?until=${since}`)).body.items.map((e: any) => e.id), ['key-7', 'evt-user-1']);
        assert.equal((await node.api('GET', '/api/v1/events?since=yesterday')).body.error.field, 'since');
      });
    });
  });
}
