import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { startNode, type Running } from '../support/harness.js';
import { createJob, runToEnd, trigger } from '../support/jobs.js';
import { startReceiver } from '../support/receiver.js';
import { STORE_KINDS, type StoreKind } from '../support/stores.js';
import { ManualClock } from '../../src/clock.js';

const TOKEN = 'inspector-test-token';
const auth = { authorization: `Bearer ${TOKEN}` };

/** A node under the default egress policy (nothing on loopback allowed), on a fresh database. */
async function withInspector(kind: StoreKind, config: Record<string, unknown>, fn: (node: Running, clock: ManualClock) => Promise<void>) {
  const db = kind.create();
  const clock = new ManualClock(Date.now());
  const node = await startNode(db, { clock, config: { egress: { allow: [] }, ...config } });
  try {
    await fn(node, clock);
  } finally {
    await node.close();
    await db.drop();
  }
}

const bin = async (node: Running, name: string) => (await node.api('GET', `/api/v1/inspector/${name}`, undefined, auth)).body;

for (const kind of STORE_KINDS) {
  describe(`the inspector: ${kind.name}`, () => {
    test('anything sent to a bin is recorded and answered; the token reads it; status and delay are asked for', async () => {
      await withInspector(kind, { api_token: TOKEN }, async (node) => {
        const sent = await fetch(`${node.url}/inspect/first/orders/7?source=shop`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer their-secret', 'x-api-key': 'k-123' }, body: '{"order": 7}' });
        assert.deepEqual([sent.status, await sent.json()], [200, { ok: true }]);
        assert.equal((await fetch(`${node.url}/inspect/first`, { method: 'PUT', body: Buffer.from([0, 1, 255]) })).status, 200);
        const failing = await fetch(`${node.url}/inspect/first?status=503`);
        assert.deepEqual([failing.status, await failing.json()], [503, { ok: false }]);
        const started = performance.now();
        assert.equal((await fetch(`${node.url}/inspect/first?delay=300ms`)).status, 200);
        assert.ok(performance.now() - started >= 290);
        const once = [(await fetch(`${node.url}/inspect/once?fail=1`)).status, (await fetch(`${node.url}/inspect/once?fail=1`)).status];
        assert.deepEqual(once, [500, 200], 'fail=1: the first request fails, the next does not');
        const bad = await fetch(`${node.url}/inspect/first?status=99`);
        assert.deepEqual([bad.status, (await bad.json()).error.field], [400, 'status']);

        assert.equal((await node.api('GET', '/api/v1/inspector/first')).status, 401, 'reading a bin takes the token; sending to it does not');
        const { requests } = await bin(node, 'first');
        assert.equal(requests.length, 4);
        const [first] = requests.slice(-1);
        assert.deepEqual([first.method, first.path, first.query, first.body, first.status], ['POST', '/orders/7', 'source=shop', '{"order": 7}', 200]);
        assert.equal(requests[1].status, 503);
        assert.deepEqual([first.headers.authorization, first.headers['x-api-key'], first.headers['content-type']], ['***', '***', 'application/json']);
        assert.deepEqual([requests[2].method, requests[2].body_encoding, requests[2].body], ['PUT', 'base64', Buffer.from([0, 1, 255]).toString('base64')]);
        assert.ok(node.logs.every((line) => !line.includes('their-secret') && !line.includes('k-123')));
      });
    });

    test("a job calling this node's own bin is delivered under the default egress policy; nothing else on loopback is", async () => {
      const receiver = await startReceiver();
      try {
        await withInspector(kind, {}, async (node, clock) => {
          await createJob(node, { id: 'first-call', webhook: { url: `${node.url}/inspect/first-call?status=500` }, retry_policy: { max_attempts: 2, initial_interval: '1s' } });
          const e = await runToEnd(node, clock, 'first-call', await trigger(node, 'first-call'));
          assert.deepEqual([e.status, e.attempt_log.map((a: any) => a.status_code)], ['failed', [500, 500]]);
          const { requests } = await bin(node, 'first-call');
          assert.equal(requests.length, 2);
          assert.equal(requests[0].headers['x-hookline-attempt'], '2');

          for (const [i, url] of [`${node.url}/api/v1/jobs`, `${receiver.url}/inspect/x`].entries()) {
            await createJob(node, { id: `elsewhere-${i}`, webhook: { url }, retry_policy: { max_attempts: 1 } });
            const refused = await runToEnd(node, clock, `elsewhere-${i}`, await trigger(node, `elsewhere-${i}`));
            assert.equal(refused.attempt_log[0].error_code, 'EGRESS_DENIED', url);
          }
          assert.equal(receiver.requests.length, 0);
        });
      } finally {
        await receiver.close();
      }
    });

    test('bins keep their newest requests, the bins used least recently go, and a bin with a secret checks signatures', async () => {
      await withInspector(kind, { inspector: { bins: 2, requests_per_bin: 3 } }, async (node) => {
        for (let i = 0; i < 5; i++) await fetch(`${node.url}/inspect/a?i=${i}`);
        assert.deepEqual((await bin(node, 'a')).requests.map((r: any) => r.query), ['i=4', 'i=3', 'i=2']);
        await fetch(`${node.url}/inspect/b`);
        await fetch(`${node.url}/inspect/c`);
        assert.deepEqual((await bin(node, 'a')).requests, [], 'the bin used least recently went');
        assert.equal((await bin(node, 'c')).requests.length, 1);

        const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
        const set = await node.api('PUT', '/api/v1/inspector/c', { secret }, auth);
        assert.deepEqual([set.status, set.body.signed], [200, true]);
        const body = '{"event": "x"}';
        const at = new Date();
        const signature = new Webhook(secret).sign('msg_1', at, body);
        await fetch(`${node.url}/inspect/c`, { method: 'POST', headers: { 'webhook-id': 'msg_1', 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signature, 'content-type': 'application/json' }, body });
        await fetch(`${node.url}/inspect/c`, { method: 'POST', body });
        const [unsigned, signed] = (await bin(node, 'c')).requests;
        assert.equal(signed.signature, 'valid');
        assert.match(unsigned.signature, /missing/i);
        assert.equal((await node.api('DELETE', '/api/v1/inspector/c', undefined, auth)).status, 204);
        assert.equal((await node.api('DELETE', '/api/v1/inspector/c', undefined, auth)).status, 404);
      });
    });
  });
}

describe('inspector: false', () => {
  test('turns the inspector off: no bin answers, nothing is read', async () => {
    await withInspector(STORE_KINDS[0], { inspector: false, api_token: TOKEN }, async (node) => {
      assert.equal((await fetch(`${node.url}/inspect/x`, { headers: auth })).status, 404);
      assert.equal((await fetch(`${node.url}/api/v1/inspector/x`, { headers: auth })).status, 404);
    });
  });
});
