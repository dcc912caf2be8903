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
