import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { describe, test } from 'node:test';
import { withNode } from '../support/fixture.js';
import { createJob, waitForExecution } from '../support/jobs.js';
import { executionsOf } from '../support/schedules.js';
import { STORE_KINDS } from '../support/stores.js';

const KEY = '4wjtkzwVGBM9yKnjm3yv8r';
const hook = (namespace: string, job: string, key: string) => `/api/v1/executions/webhook/${namespace}/${job}/${key}`;

/** Sends a request with a body of `size` bytes in chunks, with no Content-Length. */
function sendChunked(url: string, size: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', (err) => ((err as NodeJS.ErrnoException).code === 'ECONNRESET' || (err as NodeJS.ErrnoException).code === 'EPIPE' ? resolve(413) : reject(err)));
    const chunk = Buffer.alloc(64 * 1024, 'x');
    for (let sent = 0; sent < size; sent += chunk.length) req.write(chunk);
    req.end();
  });
}

for (const kind of STORE_KINDS) {
  describe(`inbound hooks: ${kind.name}`, () => {
    test('a call to the hook URL starts the job with trigger.body, trigger.headers and trigger.parameters', async () => {
      await withNode(kind, {}, async ({ node, receiver }) => {
        const body = '{"said": "{{ trigger.body.message }}", "from": "{{ trigger.headers[\'x-source\'] }}", "env": "{{ trigger.parameters.env }}"}';
        await createJob(node, { id: 'deploy', namespace: 'company.team', triggers: [{ type: 'webhook', key: KEY }], webhook: { url: receiver.url, body } });
        const res = await node.api('POST', `${hook('company.team', 'deploy', KEY)}?env=prod`, { message: 'Deploy to production' }, { 'x-source': 'ci' });
        assert.equal(res.status, 200, res.text);
        assert.deepEqual(Object.keys(res.body).sort(), ['id', 'job', 'namespace', 'state', 'url']);
        assert.deepEqual([res.body.namespace, res.body.job, res.body.url], ['company.team', 'deploy', `/api/v1/jobs/deploy/executions/${res.body.id}`]);
        const execution = await waitForExecution(node, 'deploy', res.body.id);
        assert.equal(execution.trigger.type, 'webhook');
        assert.deepEqual(execution.trigger.body, { message: 'Deploy to production' });
        const [call] = await receiver.waitFor(1);
        assert.deepEqual(JSON.parse(call.body), { said: 'Deploy to production', from: 'ci', env: 'prod' });
      });
    });

    test('GET, POST and PUT all work; a form body is an object, any other body a string', async () => {
      await withNode(kind, {}, async ({ node, receiver }) => {
        await createJob(node, { id: 'bodies', triggers: [{ type: 'webhook', key: KEY }], webhook: { url: receiver.url } });
        const url = hook('default', 'bodies', KEY);
        const get = await node.api('GET', `${url}?a=1`);
        const form = await node.api('PUT', url, 'a=1&b=2&b=3', { 'content-type': 'application/x-www-form-urlencoded' });
        const text = await node.api('POST', url, 'plain words', { 'content-type': 'text/plain' });
        const list = await node.api('POST', url, [1, 2]);
        for (const r of [get, form, text, list]) assert.equal(r.status, 200, r.text);
        const bodyOf = async (id: string) => (await waitForExecution(node, 'bodies', id)).trigger.body;
        assert.equal(await bodyOf(get.body.id), null);
        assert.deepEqual(await bodyOf(form.body.id), { a: '1', b: ['2', '3'] });
        assert.equal(await bodyOf(text.body.id), 'plain words');
        assert.deepEqual(await bodyOf(list.body.id), [1, 2]);
      });
    });

    test('an unknown namespace, job or key gets the same 404, byte for byte', async () => {
      await withNode(kind, {}, async ({ node }) => {
        await createJob(node, { id: 'known', namespace: 'team', triggers: [{ type: 'webhook', key: KEY }], webhook: { url: 'http://127.0.0.1:9/' } });
        await createJob(node, { id: 'no-hooks', namespace: 'team', webhook: { url: 'http://127.0.0.1:9/' } });
        const answers = await Promise.all(
          [hook('other', 'known', KEY), hook('team', 'unknown', KEY), hook('team', 'known', KEY + 'x'), hook('team', 'no-hooks', KEY)].map((p) => node.api('POST', p, {})),
        );
        for (const a of answers) assert.equal(a.status, 404);
        assert.equal(new Set(answers.map((a) => a.text)).size, 1, answers.map((a) => a.text).join(' | '));
        assert.equal((await executionsOf(node, 'known')).length, 0);
      });
    });

    test('a hook with a secret wants it in X-Webhook-Secret; it is never shown or stored', async () => {
      await withNode(kind, {}, async ({ node, receiver }) => {
        const secret = 'sentinel-hook-secret-4711';
        await createJob(node, { id: 'guarded', triggers: [{ type: 'webhook', key: KEY, secret }], webhook: { url: receiver.url } });
        const url = hook('default', 'guarded', KEY);
        assert.equal((await node.api('POST', url, {})).status, 401);
        assert.equal((await node.api('POST', url, {}, { 'x-webhook-secret': 'wrong' })).status, 401);
        const ok = await node.api('POST', url, {}, { 'x-webhook-secret': secret });
        assert.equal(ok.status, 200);
        const execution = await waitForExecution(node, 'guarded', ok.body.id);
        assert.equal(execution.trigger.headers['x-webhook-secret'], '***');
        const shown = await node.api('GET', '/api/v1/jobs/guarded');
        assert.equal(shown.text.includes(secret) || shown.text.includes(KEY), false, shown.text);
        assert.equal(shown.body.triggers[0].url, hook('default', 'guarded', '***'));
        assert.equal(JSON.stringify(await executionsOf(node, 'guarded')).includes(secret), false);
      });
    });

    test('a key left out is made (128 bits or more), shown once, and kept when the job is replaced', async () => {
      await withNode(kind, {}, async ({ node, receiver }) => {
        const created = await createJob(node, { id: 'made', triggers: [{ type: 'webhook' }], webhook: { url: receiver.url } });
        const url: string = created.triggers[0].url;
        const key = url.split('/').pop()!;
        assert.ok(Buffer.from(key, 'base64url').length >= 16, key);
        assert.equal((await node.api('POST', url, {})).status, 200);
        const replaced = await node.api('PUT', '/api/v1/jobs/made', (await node.api('GET', '/api/v1/jobs/made')).body);
        assert.equal(replaced.status, 200);
        assert.equal(replaced.body.triggers[0].url, hook('default', 'made', '***'), 'not shown again');
        assert.equal((await node.api('POST', url, {})).status, 200, 'the same URL still works');
      });
    });

    test('a repeated delivery (Idempotency-Key, X-GitHub-Delivery, webhook-id) returns the first execution', async () => {
      await withNode(kind, {}, async ({ node }) => {
        await createJob(node, { id: 'once', triggers: [{ type: 'webhook', key: KEY }], webhook: { url: 'http://127.0.0.1:9/' } });
        const url = hook('default', 'once', KEY);
        for (const header of ['idempotency-key', 'x-github-delivery', 'webhook-id']) {
          const first = await node.api('POST', url, { n: 1 }, { [header]: 'delivery-72d3162e' });
          const again = await node.api('POST', url, { n: 2 }, { [header]: 'delivery-72d3162e' });
          assert.equal(again.status, 200);
          assert.equal(again.body.id, first.body.id, header);
        }
        assert.equal((await executionsOf(node, 'once')).length, 3, 'one per header: each names its own kind of delivery');
      });
    });

    test('a disabled hook keeps its URL but refuses calls, and says so', async () => {
      await withNode(kind, {}, async ({ node }) => {
        await createJob(node, { id: 'off', triggers: [{ type: 'webhook', key: KEY, enabled: false }], webhook: { url: 'http://127.0.0.1:9/' } });
        const res = await node.api('POST', hook('default', 'off', KEY), {});
        assert.equal(res.status, 403);
        assert.equal(res.body.error.code, 'HOOK_DISABLED');
        assert.equal((await executionsOf(node, 'off')).length, 0);
      });
    });

    test('a body over 1 MiB (with or without a length), malformed JSON or a compressed body start nothing', async () => {
      await withNode(kind, {}, async ({ node }) => {
        await createJob(node, { id: 'strict', triggers: [{ type: 'webhook', key: KEY }], webhook: { url: 'http://127.0.0.1:9/' } });
        const url = hook('default', 'strict', KEY);
        assert.equal((await node.api('POST', url, 'x'.repeat(1024 * 1024 + 1), { 'content-type': 'text/plain' })).status, 413);
        assert.equal(await sendChunked(node.url + url, 2 * 1024 * 1024), 413);
        const malformed = await node.api('POST', url, '{"open": ', { 'content-type': 'application/json' });
        assert.deepEqual([malformed.status, malformed.body.error.field], [400, 'body']);
        const gzip = await node.api('POST', url, '{}', { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        assert.deepEqual([gzip.status, gzip.body.error.field], [415, 'content-encoding']);
        assert.equal((await executionsOf(node, 'strict')).length, 0);
      });
    });

    test('hook URLs need no API token; the rest of /api/v1 does', async () => {
      await withNode(kind, { config: { api_token: 'management-token' } }, async ({ node }) => {
        const auth = { authorization: 'Bearer management-token' };
        const created = await node.api('POST', '/api/v1/jobs', { id: 'open', triggers: [{ type: 'webhook', key: KEY }], webhook: { url: 'http://127.0.0.1:9/' } }, auth);
        assert.equal(created.status, 201);
        assert.equal((await node.api('POST', hook('default', 'open', KEY), {})).status, 200);
        assert.equal((await node.api('GET', '/api/v1/jobs/open')).status, 401);
      });
    });

    test("conditions: Kestra's {{ trigger.body.hello == 'world' }} works as written; false or failing ones start nothing", async () => {
      await withNode(kind, {}, async ({ node }) => {
        const conditions = ["{{ trigger.body.hello == 'world' }}", "trigger.headers['x-event'] == 'push' && trigger.parameters.env == 'prod'"];
        await createJob(node, { id: 'picky', triggers: [{ type: 'webhook', key: KEY, conditions }], webhook: { url: 'http://127.0.0.1:9/' } });
        const url = `${hook('default', 'picky', KEY)}?env=prod`;
        const push = { 'x-event': 'push' };
        const matched = await node.api('POST', url, { hello: 'world' }, push);
        assert.equal(matched.status, 200, matched.text);
        const other = await node.api('POST', url, { hello: 'mars' }, push);
        assert.deepEqual([other.status, other.text], [204, '']);
        assert.equal((await node.api('POST', url, { hello: 'world' }, { 'x-event': 'issue' })).status, 204);
        const failing = await node.api('POST', url, { goodbye: 'world' }, push);
        assert.equal(failing.status, 204);
        assert.ok(node.logs.some((l) => l.includes('could not be evaluated') && l.includes('hello')), 'the failing condition is logged with its error');
        assert.deepEqual((await executionsOf(node, 'picky')).map((e) => e.id), [matched.body.id]);
      });
    });

    test('conditions cannot run code: an unknown function fails the condition and nothing else', async () => {
      await withNode(kind, {}, async ({ node }) => {
        await createJob(node, { id: 'sandboxed', triggers: [{ type: 'webhook', key: KEY, conditions: ['{{ process.exit(1) }}'] }], webhook: { url: 'http://127.0.0.1:9/' } });
        assert.equal((await node.api('POST', hook('default', 'sandboxed', KEY), {})).status, 204);
        assert.equal((await node.api('GET', '/healthz')).status, 200);
      });
    });

    test('bad triggers are refused naming the field', async () => {
      await withNode(kind, {}, async ({ node }) => {
        const cases: Array<[unknown, string]> = [
          [[{ type: 'webhook', key: 'x'.repeat(257) }], 'triggers.0.key'],
          [[{ type: 'webhook', key: 'has/slash' }], 'triggers.0.key'],
          [[{ type: 'email' }], 'triggers.0.type'],
          [[{ type: 'webhook', id: 'a' }, { type: 'webhook', id: 'a' }], 'triggers.1.id'],
          [[{ type: 'webhook', key: '***' }], 'triggers.0.key'],
          [[{ type: 'webhook', conditions: ['{{ trigger.body.x == }}'] }], 'triggers.0.conditions.0'],
        ];
        for (const [triggers, field] of cases) {
          const res = await node.api('POST', '/api/v1/jobs', { id: 'bad', triggers, webhook: { url: 'http://127.0.0.1:9/' } });
          assert.deepEqual([res.status, res.body.error.field], [400, field], res.text);
        }
      });
    });
  });
}
