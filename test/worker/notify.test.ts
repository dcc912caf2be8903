import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { withNode } from '../support/fixture.js';
import type { Running } from '../support/harness.js';
import { createJob, getExecution, trigger, waitForExecution } from '../support/jobs.js';
import type { ManualClock } from '../../src/clock.js';
import { STORE_KINDS } from '../support/stores.js';
import { startTlsReceiver, type TlsReceiver } from '../support/tls.js';
import { waitUntil } from '../support/wait.js';

const NO_RETRY = { max_attempts: 1 };
const SIGNING = 'whsec_' + Buffer.from('notification-signing-secret-32b!').toString('base64');
const notificationsAt = (requests: Array<{ path: string; body: string }>, path = '/notify') => requests.filter((r) => r.path === path).map((r) => JSON.parse(r.body));

/** Waits until the execution's notifications have all ended, moving the clock to each retry as it falls due. */
async function deliverAll(node: Running, clock: ManualClock, jobId: string, id: string, count: number): Promise<any[]> {
  for (;;) {
    const e = await waitForExecution(node, jobId, id, (x) => x.notifications.length >= count && x.notifications.every((n: any) => ['succeeded', 'failed'].includes(n.status) || n.next_attempt_at !== null));
    const waiting = e.notifications.filter((n: any) => n.next_attempt_at !== null);
    if (waiting.length === 0) return e.notifications;
    const before = e.notifications.map((n: any) => n.attempts).join();
    clock.set(Math.min(...waiting.map((n: any) => Date.parse(n.next_attempt_at))));
    await waitUntil(async () => (await getExecution(node, jobId, id)).notifications.map((n: any) => n.attempts).join() !== before);
  }
}

for (const kind of STORE_KINDS) {
  describe(`notifications: ${kind.name}`, () => {
    test("a single-webhook job notifies when its task ends, with Kontroler's payload and more", async () => {
      await withNode(kind, {}, async ({ node, clock, receiver }) => {
        await createJob(node, { id: 'single', namespace: 'ops', webhook: { url: `${receiver.url}/call` }, notify: [{ url: `${receiver.url}/notify` }] });
        const id = await trigger(node, 'single');
        const [notification] = await deliverAll(node, clock, 'single', id, 1);
        assert.deepEqual([notification.event, notification.task, notification.status], ['task.succeeded', 'webhook', 'succeeded']);
        const [payload] = notificationsAt(receiver.requests);
        assert.deepEqual({ ...payload, durationMs: 0 }, {
          status: 'success', dagRunId: id, taskName: 'webhook', event: 'task.succeeded', job: 'single', namespace: 'ops',
          executionId: id, attempts: 1, durationMs: 0, error: null,
        });
        assert.equal(typeof payload.durationMs, 'number');
      });
    });

    test('`on` picks the events; execution events come once the last task ends; a failure says why', async () => {
      await withNode(kind, {}, async ({ node, clock, receiver }) => {
        receiver.respond(async (req, res) => {
          // c ends last, so that the task ending the execution is one that succeeded.
          if (req.path === '/c') await waitUntil(() => receiver.requests.some((r) => r.path === '/notify'), 5_000, 'the notification of a');
          res.writeHead(req.path === '/a' ? 500 : 200).end();
        });
        const tasks = [{ name: 'a', webhook: { url: `${receiver.url}/a` } }, { name: 'b', depends_on: ['a'], webhook: { url: `${receiver.url}/b` } }, { name: 'c', webhook: { url: `${receiver.url}/c` } }];
        const notify = [{ url: `${receiver.url}/notify`, on: ['task.failed', 'execution.failed', 'execution.succeeded'] }];
        await createJob(node, { id: 'events', retry_policy: NO_RETRY, tasks, notify });
        const id = await trigger(node, 'events');
        await waitForExecution(node, 'events', id);
        await deliverAll(node, clock, 'events', id, 2);
        const payloads = notificationsAt(receiver.requests);
        assert.deepEqual(payloads.map((p) => [p.event, p.taskName, p.status]).sort(), [['execution.failed', null, 'failed'], ['task.failed', 'a', 'failed']]);
        assert.equal(payloads.find((p) => p.event === 'execution.failed').error, 'HTTP 500');
        assert.equal(payloads.find((p) => p.event === 'execution.failed').attempts, 2, 'a and c made one attempt each; b none');
        assert.equal((await getExecution(node, 'events', id)).last_error, 'HTTP 500', 'the execution says why it failed, whichever task ended last');
      });
    });

    test('`body` replaces the payload with a template over the event, the trigger and the outputs', async () => {
      await withNode(kind, {}, async ({ node, clock, receiver }) => {
        receiver.respond((req, res) => void (req.path === '/a' ? res.writeHead(200, { 'content-type': 'application/json' }).end('{"id": 7}') : res.writeHead(200).end()));
        const body = { text: 'Task {{ event.taskName }}: {{ event.status }} for {{ trigger.body.who }} (a made {{ outputs.a.body.id }})' };
        await createJob(node, { id: 'message', tasks: [{ name: 'a', webhook: { url: `${receiver.url}/a` } }], notify: [{ url: `${receiver.url}/notify`, body }] });
        const id = await trigger(node, 'message', { who: 'ops' });
        await deliverAll(node, clock, 'message', id, 1);
        assert.deepEqual(notificationsAt(receiver.requests), [{ text: 'Task a: success for ops (a made 7)' }]);
      });
    });

    test('a notification is a row like any call: 500 twice then 200 is three deliveries with one webhook-id', async () => {
      await withNode(kind, { startAt: Date.now() }, async ({ node, clock, receiver }) => {
        let failures = 2;
        receiver.respond((req, res) => void res.writeHead(req.path === '/notify' && failures-- > 0 ? 500 : 200).end());
        await node.api('POST', '/api/v1/endpoints', { name: 'status', url: `${receiver.url}/notify`, signing_secret: SIGNING });
        await createJob(node, { id: 'durable', webhook: { url: `${receiver.url}/call` }, notify: [{ endpoint: 'status' }] });
        const id = await trigger(node, 'durable');
        const [notification] = await deliverAll(node, clock, 'durable', id, 1);
        assert.deepEqual([notification.status, notification.attempts], ['succeeded', 3]);
        const deliveries = receiver.requests.filter((r) => r.path === '/notify');
        assert.equal(deliveries.length, 3);
        assert.equal(new Set(deliveries.map((d) => d.headers['webhook-id'])).size, 1);
        assert.notEqual(deliveries[0].headers['webhook-id'], `msg_${id}`, 'not the call’s own');
        for (const d of deliveries) new Webhook(SIGNING).verify(d.body, d.headers);
        const execution = await getExecution(node, 'durable', id);
        assert.deepEqual(execution.attempt_log.filter((a: any) => a.notification === 0).map((a: any) => a.status_code), [500, 500, 200]);
        assert.equal(execution.status, 'succeeded', 'a notification does not change how its execution ended');
      });
    });

    test('bad notify entries are refused naming the field', async () => {
      await withNode(kind, {}, async ({ node, receiver }) => {
        const cases: Array<[unknown, string]> = [
          [[{}], 'notify.0.url'],
          [[{ url: receiver.url, endpoint: 'x' }], 'notify.0.url'],
          [[{ url: receiver.url, on: ['task.started'] }], 'notify.0.on.0'],
          [[{ url: receiver.url, body: '{"x": "{{ nothing.here }}"}' }], 'notify.0.body'],
        ];
        for (const [notify, field] of cases) {
          const res = await node.api('POST', '/api/v1/jobs', { id: 'bad', webhook: { url: receiver.url }, notify });
          assert.deepEqual([res.status, res.body.error.field], [400, field], res.text);
        }
      });
    });
  });
}

describe('notifications over TLS', () => {
  let tls: TlsReceiver;
  before(async () => {
    tls = await startTlsReceiver();
  });
  after(() => tls.close());

  test("Kontroler's verifySSL: true verifies the certificate; verifySSL: false turns verification off for that call", async () => {
    await withNode(STORE_KINDS[0], {}, async ({ node, clock, receiver }) => {
      const notify = [{ url: tls.url, verifySSL: true }, { url: tls.url, verifySSL: false }];
      await createJob(node, { id: 'tls', webhook: { url: receiver.url }, notify });
      const id = await trigger(node, 'tls');
      const [verified, unverified] = await deliverAll(node, clock, 'tls', id, 2);
      assert.deepEqual([verified.status, unverified.status], ['failed', 'succeeded']);
      assert.match(verified.last_error, /certificate/i);
      assert.equal(tls.hits, 1, 'only the unverified one got through');
    });
  });
});
