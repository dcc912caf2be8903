import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { withNode } from '../support/fixture.js';
import type { Running } from '../support/harness.js';
import { STORE_KINDS } from '../support/stores.js';

/** A call to the Svix routes as a Svix client makes it; they are outside Hookline's own API document. */
async function svix(node: Running, method: string, path: string, body?: unknown) {
  const res = await fetch(node.url + path, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, text, body: text ? JSON.parse(text) : undefined };
}

for (const kind of STORE_KINDS) {
  describe(`the Svix API against hostile input: ${kind.name}`, () => {
    test("an application's id cannot be taken over through another's uid", async () => {
      await withNode(kind, {}, async ({ node, receiver }) => {
        for (const id of ['alpha', 'bravo']) assert.equal((await svix(node, 'PUT', `/api/v1/app/${id}`, { name: id })).status, 201);
        assert.equal((await svix(node, 'POST', '/api/v1/app/bravo/endpoint', { url: `${receiver.url}/bravo` })).status, 201);
        // bravo takes a uid of its own; alpha then asks for "bravo" as its uid: refused, it is bravo's id.
        assert.equal((await svix(node, 'PUT', '/api/v1/app/bravo', { name: 'bravo', uid: 'charlie' })).status, 200);
        const hijack = await svix(node, 'PUT', '/api/v1/app/alpha', { name: 'alpha', uid: 'bravo' });
        assert.equal(hijack.status, 409, hijack.text);
        assert.equal((await svix(node, 'PUT', '/api/v1/app/alpha', { name: 'alpha', uid: 'charlie' })).status, 409, "nor bravo's uid");
        assert.equal((await svix(node, 'POST', '/api/v1/app', { name: 'delta', uid: 'alpha' })).status, 409, "nor alpha's id for a new app");
        assert.equal((await svix(node, 'GET', '/api/v1/app/bravo')).body.name, 'bravo');
        assert.equal((await svix(node, 'GET', '/api/v1/app/charlie')).body.id, 'bravo');
        // Even with a uid equal to another's id stored by an older version, the id wins.
        assert.equal((await svix(node, 'PUT', '/api/v1/app/alpha', { name: 'alpha', uid: 'alpha-uid' })).status, 200);
        const sent = await svix(node, 'POST', '/api/v1/app/bravo/msg', { eventType: 'x.y', payload: {} });
        assert.equal(sent.status, 202);
        await receiver.waitFor(1);
        assert.equal(receiver.requests[0].path, '/bravo');
      });
    });

    test('message types and ids follow the native rules: control characters and CR LF are refused naming the field', async () => {
      await withNode(kind, {}, async ({ node }) => {
        assert.equal((await svix(node, 'PUT', '/api/v1/app/rules', { name: 'rules' })).status, 201);
        const cases: Array<[Record<string, unknown>, string]> = [
          [{ eventType: 'user\u001b[2Jcreated', payload: {} }, 'eventType'],
          [{ eventType: 'user created', payload: {} }, 'eventType'],
          [{ eventType: 'user.created', payload: {}, eventId: 'id\r\nX-Injected: 1' }, 'eventId'],
          [{ eventType: 'user.created', payload: {}, eventId: 'a\u0000b' }, 'eventId'],
        ];
        for (const [body, field] of cases) {
          const res = await svix(node, 'POST', '/api/v1/app/rules/msg', body);
          assert.equal(res.status, 422, res.text);
          assert.deepEqual(res.body.detail[0].loc, ['body', field]);
        }
        const type = await svix(node, 'POST', '/api/v1/event-type', { name: 'bad\u0007type', description: 'x' });
        assert.deepEqual([type.status, type.body.detail[0].loc], [422, ['body', 'name']]);
        assert.equal((await svix(node, 'GET', '/api/v1/app/rules/msg')).body.data.length, 0, 'nothing was stored');
      });
    });
  });
}

for (const kind of STORE_KINDS) {
  describe(`Svix applications keep to their own: ${kind.name}`, () => {
    test("an application's endpoints are listed from its own index, whatever other applications hold", async () => {
      await withNode(kind, {}, async ({ node, receiver }) => {
        for (const id of ['crowded', 'small']) assert.equal((await svix(node, 'PUT', `/api/v1/app/${id}`, { name: id })).status, 201);
        for (let i = 0; i < 60; i++) assert.equal((await svix(node, 'POST', '/api/v1/app/crowded/endpoint', { url: receiver.url })).status, 201);
        for (let i = 0; i < 3; i++) assert.equal((await svix(node, 'POST', '/api/v1/app/small/endpoint', { url: `${receiver.url}/${i}` })).status, 201);
        const small = await svix(node, 'GET', '/api/v1/app/small/endpoint?limit=10');
        assert.deepEqual([small.body.data.length, small.body.done], [3, true]);
        const seen: string[] = [];
        let iterator = '';
        for (let pages = 0; pages < 5; pages++) {
          const page = await svix(node, 'GET', `/api/v1/app/crowded/endpoint?limit=25${iterator ? `&iterator=${iterator}` : ''}`);
          seen.push(...page.body.data.map((e: { id: string }) => e.id));
          if (page.body.done) break;
          iterator = page.body.iterator;
        }
        assert.equal(new Set(seen).size, 60);
      });
    });

    test('endpoint uids belong to their application; an application with uid "default" does not take the default namespace', async () => {
      await withNode(kind, {}, async ({ node, receiver }) => {
        assert.equal((await node.api('POST', '/api/v1/endpoints', { name: 'native', url: receiver.url, subscriptions: ['*'] })).status, 201);
        for (const id of ['one', 'two']) {
          assert.equal((await svix(node, 'PUT', `/api/v1/app/${id}`, { name: id })).status, 201);
          const made = await svix(node, 'POST', `/api/v1/app/${id}/endpoint`, { uid: 'billing', url: `${receiver.url}/${id}` });
          assert.equal(made.status, 201, made.text);
          assert.equal(made.body.uid, 'billing');
        }
        assert.equal((await svix(node, 'POST', '/api/v1/app/one/endpoint', { uid: 'billing', url: receiver.url })).status, 409);
        assert.equal((await svix(node, 'GET', '/api/v1/app/one/endpoint/billing')).body.url, `${receiver.url}/one`);
        assert.equal((await svix(node, 'GET', '/api/v1/app/two/endpoint/billing')).body.url, `${receiver.url}/two`);

        const app = await svix(node, 'POST', '/api/v1/app', { name: 'Default', uid: 'default' });
        assert.equal(app.status, 201);
        assert.notEqual(app.body.id, 'default');
        assert.deepEqual((await svix(node, 'GET', '/api/v1/app/default/endpoint')).body.data, [], "the default namespace's endpoints are not the app's");
        assert.equal((await svix(node, 'DELETE', '/api/v1/app/default')).status, 204);
        assert.equal((await node.api('GET', '/api/v1/endpoints/native')).status, 200, 'deleting the app left the native endpoint');
      });
    });

    test("deleting an application with more events than a batch removes them all, in batches, and nothing of another's", async () => {
      await withNode(kind, {}, async ({ node }) => {
        for (const id of ['going', 'staying']) assert.equal((await svix(node, 'PUT', `/api/v1/app/${id}`, { name: id })).status, 201);
        const going = (await svix(node, 'GET', '/api/v1/app/going')).body.id;
        const batches: number[] = [];
        const store = node.app.store;
        const original = store.deleteApplicationEvents.bind(store);
        store.deleteApplicationEvents = async (namespace, batch) => {
          const n = await original(namespace, batch);
          batches.push(n);
          return n;
        };
        await Promise.all(Array.from({ length: 4 }, async (_, w) => {
          for (let i = w; i < 1_100; i += 4) assert.equal((await svix(node, 'POST', '/api/v1/app/going/msg', { eventType: 'x.y', payload: { i } })).status, 202);
        }));
        assert.equal((await svix(node, 'POST', '/api/v1/app/staying/msg', { eventType: 'x.y', payload: {} })).status, 202);
        assert.equal((await svix(node, 'DELETE', '/api/v1/app/going')).status, 204);
        assert.deepEqual(batches, [1000, 100]);
        assert.deepEqual((await node.api('GET', `/api/v1/events?namespace=${going}`)).body.items, []);
        assert.equal((await svix(node, 'GET', '/api/v1/app/staying/msg')).body.data.length, 1);
      });
    });
  });
}
