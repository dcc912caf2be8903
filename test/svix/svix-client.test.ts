import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ApiException, Svix, Webhook } from 'svix';
import { withNode } from '../support/fixture.js';
import { STORE_KINDS } from '../support/stores.js';
import { waitUntil } from '../support/wait.js';

const TOKEN = 'svix-compatible-api-token';

/** The official client, pointed at the node; no retries, so an error is seen as it is. */
const client = (url: string) => new Svix(TOKEN, { serverUrl: url, retryScheduleInMs: [] });

async function refused(call: Promise<unknown>): Promise<ApiException<any>> {
  try {
    await call;
  } catch (err) {
    if (err instanceof ApiException) return err;
    throw err;
  }
  assert.fail('the call was not refused');
}

for (const kind of STORE_KINDS) {
  describe(`the Svix API through its own client: ${kind.name}`, () => {
    test('application, endpoint, message, attempts, secret rotation and recovery, each answered in the shape the client parses', async () => {
      let receiving = true;
      await withNode(kind, { startAt: Date.now(), config: { api_token: TOKEN } }, async ({ node, clock, receiver }) => {
        receiver.respond((_req, res) => void res.writeHead(receiving ? 200 : 500).end());
        const svix = client(node.url);
        const app = await svix.application.create({ name: 'Acme', uid: 'acme' });
        assert.deepEqual([app.id, app.name, app.uid], ['acme', 'Acme', 'acme']);
        assert.equal((await svix.application.getOrCreate({ name: 'Acme', uid: 'acme' })).id, 'acme');
        assert.equal((await svix.application.get('acme')).name, 'Acme');
        assert.deepEqual((await svix.application.list()).data.map((a) => a.id), ['acme']);

        await svix.eventType.create({ name: 'invoice.paid', description: 'An invoice was paid.' });
        assert.deepEqual((await svix.eventType.list()).data.map((t) => t.name), ['invoice.paid']);

        const ep = await svix.endpoint.create(app.id, { url: receiver.url, filterTypes: ['invoice.paid'], description: 'billing' });
        assert.deepEqual([ep.url, ep.filterTypes, ep.description, ep.disabled], [receiver.url, ['invoice.paid'], 'billing', false]);
        assert.equal((await svix.endpoint.get(app.id, ep.id)).id, ep.id);
        assert.deepEqual((await svix.endpoint.list(app.id)).data.map((e) => e.id), [ep.id]);
        const { key } = await svix.endpoint.getSecret(app.id, ep.id);
        assert.match(key, /^whsec_/);

        const msg = await svix.message.create(app.id, { eventType: 'invoice.paid', payload: { invoice: 'in_1', amount: 4200 }, eventId: 'evt-in-1' });
        assert.deepEqual([msg.eventType, msg.eventId, msg.payload], ['invoice.paid', 'evt-in-1', { invoice: 'in_1', amount: 4200 }]);
        const [first] = await receiver.waitFor(1);
        assert.deepEqual(new Webhook(key).verify(first.body, first.headers), { invoice: 'in_1', amount: 4200 });
        assert.equal(first.headers['webhook-id'], msg.id);
        assert.equal((await svix.message.get(app.id, msg.id)).eventType, 'invoice.paid');
        assert.deepEqual((await svix.message.list(app.id)).data.map((m) => m.id), [msg.id]);

        let attempts = await svix.messageAttempt.listByMsg(app.id, msg.id);
        await waitUntil(async () => (attempts = await svix.messageAttempt.listByMsg(app.id, msg.id)).data.length === 1, 5_000, 'the attempt recorded');
        assert.deepEqual([attempts.data[0].status, attempts.data[0].responseStatusCode, attempts.data[0].endpointId, attempts.data[0].msgId], [0, 200, ep.id, msg.id]);
        assert.equal((await svix.messageAttempt.listByEndpoint(app.id, ep.id)).data[0].msgId, msg.id);

        // Rotation: the new secret signs at once, the old one beside it for a day, as Svix does.
        await svix.endpoint.rotateSecret(app.id, ep.id, {});
        const rotated = (await svix.endpoint.getSecret(app.id, ep.id)).key;
        assert.notEqual(rotated, key);
        await svix.message.create(app.id, { eventType: 'invoice.paid', payload: { invoice: 'in_2' } });
        const [, second] = await receiver.waitFor(2);
        new Webhook(rotated).verify(second.body, second.headers);
        new Webhook(key).verify(second.body, second.headers);

        // A message that fails for good, then recovery: its delivery goes again and arrives.
        receiving = false;
        const failing = await svix.message.create(app.id, { eventType: 'invoice.paid', payload: { invoice: 'in_3' } });
        await waitUntil(async () => {
          const event = (await node.api('GET', `/api/v1/events/${failing.id}?namespace=acme`, undefined, { authorization: `Bearer ${TOKEN}` })).body;
          const due = event.deliveries[0].next_attempt_at;
          if (due) clock.set(Math.max(clock.now(), Date.parse(due)));
          return event.status === 'failed';
        }, 15_000, 'the delivery failed for good');
        receiving = true;
        const recovery = await svix.endpoint.recover(app.id, ep.id, { since: new Date(Date.now() - 3_600_000) });
        assert.equal(recovery.task, 'endpoint.recover');
        await waitUntil(() => receiver.requests.some((r) => r.headers['webhook-id'] === failing.id && JSON.parse(r.body).invoice === 'in_3' && r.n > 5), 10_000, 'the recovered delivery');

        await svix.endpoint.update(app.id, ep.id, { url: receiver.url, filterTypes: ['invoice.paid', 'invoice.voided'], disabled: true });
        const updated = await svix.endpoint.get(app.id, ep.id);
        assert.deepEqual([updated.filterTypes, updated.disabled], [['invoice.paid', 'invoice.voided'], true]);
        await svix.messageAttempt.resend(app.id, msg.id, ep.id);

        // A route outside the subset is a 404 that says so.
        const stats = await refused(svix.endpoint.getStats(app.id, ep.id));
        assert.equal(stats.code, 404);
        assert.match(stats.body.detail, /not part of the Svix API Hookline serves/);
        const missing = await refused(svix.application.get('nobody'));
        assert.deepEqual([missing.code, missing.body.code], [404, 'not_found']);
        const bad = await refused(svix.message.create(app.id, { eventType: '', payload: {} }));
        assert.equal(bad.code, 422);
        // Hookline's own API token guards it.
        assert.equal((await refused(new Svix('wrong-token', { serverUrl: node.url, retryScheduleInMs: [] }).application.list())).code, 401);

        await svix.endpoint.delete(app.id, ep.id);
        assert.equal((await refused(svix.endpoint.get(app.id, ep.id))).code, 404);
        await svix.application.delete(app.id);
        assert.deepEqual((await svix.application.list()).data, []);
      });
    });
  });
}
