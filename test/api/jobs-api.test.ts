import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { withNode } from '../support/fixture.js';
import { createJob } from '../support/jobs.js';
import { STORE_KINDS } from '../support/stores.js';

const HOUR = 3_600_000;

for (const kind of STORE_KINDS) {
  describe(`jobs API: ${kind.name}`, () => {
    test('create, read, replace, list in pages, delete', async () => {
      await withNode(kind, {}, async ({ node, receiver }) => {
        const created = await createJob(node, { id: 'one', webhook: { url: receiver.url } });
        assert.equal(created.namespace, 'default');
        assert.equal(created.name, 'one');
        assert.equal(created.webhook.method, 'POST');
        const generated = await node.api('POST', '/api/v1/jobs', { webhook: { url: receiver.url } });
        assert.equal(generated.status, 201);
        assert.ok(generated.body.id);
        assert.equal((await node.api('POST', '/api/v1/jobs', { id: 'one', webhook: { url: receiver.url } })).status, 409);

        const put = await node.api('PUT', '/api/v1/jobs/one', { name: 'One', timeout: '1m', webhook: { url: receiver.url, method: 'PUT' } });
        assert.equal(put.status, 200);
        assert.equal(put.body.created_at, created.created_at);
        const fresh = await node.api('PUT', '/api/v1/jobs/two', { webhook: { url: receiver.url } });
        assert.equal(fresh.status, 201);
        const got = await node.api('GET', '/api/v1/jobs/one');
        assert.equal(got.body.name, 'One');
        assert.equal(got.body.webhook.method, 'PUT');

        const page1 = await node.api('GET', '/api/v1/jobs?limit=2');
        assert.equal(page1.body.items.length, 2);
        assert.ok(page1.body.next_cursor);
        const page2 = await node.api('GET', `/api/v1/jobs?limit=2&cursor=${page1.body.next_cursor}`);
        const ids = [...page1.body.items, ...page2.body.items].map((j: any) => j.id);
        assert.equal(new Set(ids).size, 3);

        assert.equal((await node.api('DELETE', '/api/v1/jobs/one')).status, 204);
        assert.equal((await node.api('GET', '/api/v1/jobs/one')).status, 404);
        assert.equal((await node.api('DELETE', '/api/v1/jobs/one')).status, 404);
      });
    });

    test('trigger answers 202 once committed; an Idempotency-Key repeat within 24 h returns the same execution', async () => {
      await withNode(kind, {}, async ({ node, receiver, clock }) => {
        await createJob(node, { id: 'idem', webhook: { url: receiver.url } });
        const first = await node.api('POST', '/api/v1/jobs/idem/trigger', { x: 1 }, { 'idempotency-key': 'order-7' });
        assert.equal(first.status, 202);
        assert.equal(first.headers.get('location'), `/api/v1/jobs/idem/executions/${first.body.id}`);
        const stored = await node.api('GET', `/api/v1/jobs/idem/executions/${first.body.id}`);
        assert.equal(stored.status, 200, 'the execution exists when its id is given out');
        assert.deepEqual(stored.body.trigger.body, { x: 1 });
        clock.advance(23 * HOUR);
        const repeat = await node.api('POST', '/api/v1/jobs/idem/trigger', { x: 2 }, { 'idempotency-key': 'order-7' });
        assert.equal(repeat.body.id, first.body.id);
        assert.equal(repeat.headers.get('idempotent-replayed'), 'true');
        clock.advance(2 * HOUR);
        const later = await node.api('POST', '/api/v1/jobs/idem/trigger', { x: 3 }, { 'idempotency-key': 'order-7' });
        assert.notEqual(later.body.id, first.body.id);
        const list = await node.api('GET', '/api/v1/jobs/idem/executions');
        assert.deepEqual(list.body.items.map((e: any) => e.id), [later.body.id, first.body.id], 'newest first');
        assert.equal((await node.api('POST', '/api/v1/jobs/nope/trigger')).status, 404);
      });
    });

    test('bad input is a 400 naming the field, and nothing is written', async () => {
      await withNode(kind, {}, async ({ node, receiver }) => {
        await createJob(node, { id: 'kept', webhook: { url: receiver.url } });
        const cases: Array<[unknown, string, string?]> = [
          ['{"id": "x", "webhook": ', 'body', 'INVALID_JSON'],
          [{ id: 'x', webhook: { url: receiver.url }, colour: 'red' }, 'colour'],
          [{ id: 'x', webhook: { url: receiver.url, retries: 3 } }, 'webhook.retries'],
          [{ id: 'x', webhook: { url: 'ftp://example.com/file' } }, 'webhook.url'],
          [{ id: 'x', webhook: { url: 'file:///etc/passwd' } }, 'webhook.url'],
          [{ id: 'x', webhook: {} }, 'webhook.url'],
          [{ id: 'x' }, 'webhook'],
          [{ id: 'x', timeout: '10 minutes', webhook: { url: receiver.url } }, 'timeout'],
          [{ id: 'x', webhook: { url: receiver.url, timeout: 'soon' } }, 'webhook.timeout'],
          [{ id: 'x', retry_policy: { initial_interval: '-1s' }, webhook: { url: receiver.url } }, 'retry_policy.initial_interval'],
          [{ id: 'x', webhook: { url: receiver.url, success_codes: [200, 700] } }, 'webhook.success_codes.1'],
          [{ id: 'x', webhook: { url: receiver.url, method: 'BREW' } }, 'webhook.method'],
          [{ id: 'x', webhook: { url: receiver.url, auth: { type: 'bearer' } } }, 'webhook.auth.token'],
          [{ id: 'x', webhook: { url: receiver.url, body: '{"a": {{.Nope}}}' } }, 'webhook.body'],
          [{ id: 'x', webhook: { url: receiver.url, headers: { 'Bad Header': 'v' } } }, 'webhook.headers.Bad Header'],
          [{ id: 'x', webhook: { url: receiver.url, signing_secret: 'not-whsec' } }, 'webhook.signing_secret'],
          [{ id: 'bad id!', webhook: { url: receiver.url } }, 'id'],
        ];
        for (const [body, field, code] of cases) {
          const res = await node.api('POST', '/api/v1/jobs', body);
          assert.equal(res.status, 400, `${JSON.stringify(body)} → ${res.text}`);
          assert.equal(res.body.error.field, field, res.text);
          assert.equal(res.body.error.code, code ?? 'INVALID_INPUT');
          assert.ok(res.body.error.message.length > 0);
        }
        const replace = await node.api('PUT', '/api/v1/jobs/kept', { webhook: { url: 'gopher://x' } });
        assert.equal(replace.status, 400);
        const listed = await node.api('GET', '/api/v1/jobs');
        assert.deepEqual(listed.body.items.map((j: any) => j.id), ['kept'], 'nothing half-written');
        assert.equal((await node.api('GET', '/api/v1/jobs/kept')).body.webhook.url, receiver.url);
        assert.equal((await node.api('PUT', '/api/v1/jobs/kept', { id: 'other', webhook: { url: receiver.url } })).body.error.field, 'id');
        assert.equal((await node.api('GET', '/api/v1/jobs?limit=0')).body.error.field, 'limit');
      });
    });
  });
}

describe('API edges', () => {
  const sqlite = STORE_KINDS[0];

  test('a body over 1 MiB is refused with 413; unknown routes and jobs are 404', async () => {
    await withNode(sqlite, {}, async ({ node, receiver }) => {
      const big = await node.api('POST', '/api/v1/jobs', { webhook: { url: receiver.url, body: 'x'.repeat(1024 * 1024 + 10) } });
      assert.equal(big.status, 413);
      assert.equal(big.body.error.code, 'BODY_TOO_LARGE');
      assert.equal((await node.api('GET', '/api/v1/jobs/none/executions')).status, 404);
      assert.equal((await node.api('GET', '/api/v1/jobs/none/executions/x')).status, 404);
      assert.equal((await node.api('GET', '/api/v1/nothing-here')).body.error.code, 'NOT_FOUND');
    });
  });

  test('with an API token configured, every /api/v1 route needs it', async () => {
    await withNode(sqlite, { config: { api_token: 'sekrit-token-1' } }, async ({ node, receiver }) => {
      for (const [method, path] of [['GET', '/api/v1/jobs'], ['POST', '/api/v1/jobs'], ['POST', '/api/v1/webhooks/test'], ['GET', '/api/v1/jobs/x/executions']]) {
        const res = await node.api(method, path, method === 'POST' ? {} : undefined);
        assert.equal(res.status, 401, `${method} ${path}`);
        assert.equal(res.headers.get('www-authenticate'), 'Bearer');
      }
      assert.equal((await node.api('GET', '/api/v1/jobs', undefined, { authorization: 'Bearer wrong' })).status, 401);
      const ok = await node.api('POST', '/api/v1/jobs', { id: 'a', webhook: { url: receiver.url } }, { authorization: 'Bearer sekrit-token-1' });
      assert.equal(ok.status, 201);
      assert.equal((await node.api('GET', '/healthz')).status, 200, 'health stays open');
    });
  });

  test('POST /api/v1/webhooks/test makes one call and answers exactly {success, status_code, response_body, duration_ms}', async () => {
    await withNode(sqlite, {}, async ({ node, receiver }) => {
      receiver.respond((req, res) => {
        res.writeHead(req.body.includes('fail') ? 500 : 200).end('{"received": true}');
      });
      const ok = await node.api('POST', '/api/v1/webhooks/test', { webhook: { url: receiver.url, headers: { 'Content-Type': 'application/json' }, body: '{"test": true}' } });
      assert.equal(ok.status, 200);
      assert.deepEqual(Object.keys(ok.body).sort(), ['duration_ms', 'response_body', 'status_code', 'success']);
      assert.equal(ok.body.success, true);
      assert.equal(ok.body.status_code, 200);
      assert.equal(ok.body.response_body, '{"received": true}');
      assert.equal(typeof ok.body.duration_ms, 'number');
      // Asked for, the answer's headers come too.
      const headed = await node.api('POST', '/api/v1/webhooks/test?response_headers=true', { webhook: { url: receiver.url, body: '{}' } });
      assert.match(headed.body.response_headers.date ?? '', /GMT$/);
      const bad = await node.api('POST', '/api/v1/webhooks/test', { webhook: { url: receiver.url, body: 'fail' } });
      assert.equal(bad.body.success, false);
      assert.equal(bad.body.status_code, 500);
      assert.equal(receiver.requests.length, 3, 'one request a test, no retries');
      const invalid = await node.api('POST', '/api/v1/webhooks/test', { webhook: { url: 'nope' } });
      assert.equal(invalid.status, 400);
      assert.equal(invalid.body.error.field, 'webhook.url');
    });
  });
});
