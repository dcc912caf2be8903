import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { withNode } from '../support/fixture.js';
import type { Running } from '../support/harness.js';
import { advanceToNextAttempt, createJob, trigger, waitForExecution } from '../support/jobs.js';
import { reply, statusSequence } from '../support/receiver.js';
import { STORE_KINDS } from '../support/stores.js';

const TOKEN = 'sentinel-endpoint-token-5150';
const SIGNING = 'whsec_' + Buffer.from('endpoint-signing-secret-32-bytes').toString('base64');

async function createEndpoint(node: Running, endpoint: Record<string, unknown>): Promise<any> {
  const res = await node.api('POST', '/api/v1/endpoints', endpoint);
  assert.equal(res.status, 201, res.text);
  return res.body;
}

for (const kind of STORE_KINDS) {
  describe(`endpoints: ${kind.name}`, () => {
    test('create, read, list, replace and delete; secrets shown as ***; JSON Content-Type unless headers are given', async () => {
      await withNode(kind, {}, async ({ node, receiver }) => {
        const created = await createEndpoint(node, { name: 'slack', url: receiver.url, auth: { type: 'bearer', token: TOKEN }, signing_secret: SIGNING });
        assert.deepEqual(created.headers, { 'Content-Type': 'application/json' });
        assert.deepEqual([created.auth.token, created.signing_secret, created.method], ['***', '***', 'POST']);
        assert.equal((await node.api('POST', '/api/v1/endpoints', { name: 'slack', url: receiver.url })).status, 409);
        const plain = await createEndpoint(node, { name: 'plain', url: receiver.url, headers: {} });
        assert.deepEqual(plain.headers, {}, 'the default header can be removed');
        const listed = await node.api('GET', '/api/v1/endpoints?limit=1');
        assert.deepEqual(listed.body.items.map((e: any) => e.name), ['plain']);
        const rest = await node.api('GET', `/api/v1/endpoints?limit=1&cursor=${listed.body.next_cursor}`);
        assert.deepEqual(rest.body.items.map((e: any) => e.name), ['slack']);
        const shown = await node.api('GET', '/api/v1/endpoints/slack');
        assert.equal(shown.text.includes(TOKEN), false);
        const replaced = await node.api('PUT', '/api/v1/endpoints/slack', { ...shown.body, timeout: '5s' });
        assert.equal(replaced.status, 200, replaced.text);
        assert.equal(replaced.body.timeout, '5s');
        assert.equal((await node.api('PUT', '/api/v1/endpoints/new-one', { url: receiver.url })).status, 201);
        assert.equal((await node.api('DELETE', '/api/v1/endpoints/plain')).status, 204);
        assert.equal((await node.api('GET', '/api/v1/endpoints/plain')).status, 404);
        assert.equal((await node.api('DELETE', '/api/v1/endpoints/plain')).status, 404);
      });
    });

    test('a task uses an endpoint with its own body, and may override any field; the call is signed and authorised', async () => {
      await withNode(kind, { startAt: Date.now() }, async ({ node, receiver }) => {
        await createEndpoint(node, { name: 'target', url: `${receiver.url}/hook`, auth: { type: 'bearer', token: TOKEN }, signing_secret: SIGNING, headers: { 'Content-Type': 'application/json', 'X-Team': 'ops' } });
        const tasks = [
          { name: 'first', webhook: { endpoint: 'target', body: '{"text": "Sync Job Error"}' } },
          { name: 'second', depends_on: ['first'], webhook: { endpoint: 'target', method: 'PUT', url: `${receiver.url}/other`, headers: { 'x-team': 'dev' }, body: { text: 'done' } } },
        ];
        await createJob(node, { id: 'uses', tasks });
        const id = await trigger(node, 'uses');
        assert.equal((await waitForExecution(node, 'uses', id)).status, 'succeeded');
        const [first, second] = receiver.requests;
        assert.deepEqual([first.method, first.path, first.body], ['POST', '/hook', '{"text": "Sync Job Error"}']);
        assert.equal(first.headers.authorization, `Bearer ${TOKEN}`);
        assert.equal(first.headers['x-team'], 'ops');
        new Webhook(SIGNING).verify(first.body, first.headers);
        assert.deepEqual([second.method, second.path, second.headers['x-team'], JSON.parse(second.body)], ['PUT', '/other', 'dev', { text: 'done' }]);
        const job = await node.api('GET', '/api/v1/jobs/uses');
        assert.deepEqual(job.body.tasks[0].webhook, { endpoint: 'target', body: '{"text": "Sync Job Error"}' });
      });
    });

    test('a change to an endpoint applies to the calls made after it, retries included', async () => {
      await withNode(kind, { responder: statusSequence(503, 200) }, async ({ node, clock, receiver }) => {
        await createEndpoint(node, { name: 'moving', url: `${receiver.url}/old` });
        await createJob(node, { id: 'follows', webhook: { endpoint: 'moving' }, retry_policy: { max_attempts: 2, initial_interval: '10s' } });
        const id = await trigger(node, 'follows');
        const waiting = await waitForExecution(node, 'follows', id, (e) => e.attempts === 1 && e.next_attempt_at !== null);
        // The endpoint moves while the retry waits.
        const moved = await node.api('PUT', '/api/v1/endpoints/moving', { url: `${receiver.url}/new` });
        assert.equal(moved.status, 200);
        clock.set(Date.parse(waiting.next_attempt_at));
        assert.equal((await waitForExecution(node, 'follows', id)).status, 'succeeded');
        assert.deepEqual(receiver.requests.map((r) => r.path), ['/old', '/new']);
      });
    });

    test("an endpoint's timeout and retry policy apply to the calls made through it", async () => {
      await withNode(kind, { responder: reply(503) }, async ({ node, clock, receiver }) => {
        await createEndpoint(node, { name: 'flaky', url: receiver.url, retry_policy: { max_attempts: 2, initial_interval: '1m' } });
        await createJob(node, { id: 'policy', webhook: { endpoint: 'flaky' } });
        const id = await trigger(node, 'policy');
        await advanceToNextAttempt(node, clock, 'policy', id, 1);
        const execution = await waitForExecution(node, 'policy', id);
        assert.deepEqual([execution.status, execution.attempts], ['failed', 2]);
        const gap = Date.parse(execution.attempt_log[1].started_at) - Date.parse(execution.attempt_log[0].started_at);
        assert.ok(gap >= 60_000, `the endpoint's 1m interval: ${gap}`);
        assert.equal(receiver.requests.length, 2);
      });
    });

    test('deleting an endpoint that jobs use is refused with 409 naming them; unknown endpoints are refused with 400', async () => {
      await withNode(kind, {}, async ({ node, receiver }) => {
        await createEndpoint(node, { name: 'shared', url: receiver.url });
        await createJob(node, { id: 'one', webhook: { endpoint: 'shared' } });
        await createJob(node, { id: 'two', webhook: { url: receiver.url }, notify: [{ endpoint: 'shared' }] });
        const refused = await node.api('DELETE', '/api/v1/endpoints/shared');
        assert.equal(refused.status, 409);
        assert.match(refused.body.error.message, /one, two/);
        await node.api('DELETE', '/api/v1/jobs/one');
        await node.api('PUT', '/api/v1/jobs/two', { webhook: { url: receiver.url } });
        assert.equal((await node.api('DELETE', '/api/v1/endpoints/shared')).status, 204);
        const unknown = await node.api('POST', '/api/v1/jobs', { id: 'three', webhook: { url: receiver.url }, notify: [{ url: receiver.url }, { endpoint: 'shared' }] });
        assert.deepEqual([unknown.status, unknown.body.error.field], [400, 'notify.1.endpoint']);
        const bad = await node.api('POST', '/api/v1/endpoints', { name: 'x', url: 'ftp://nowhere' });
        assert.deepEqual([bad.status, bad.body.error.field], [400, 'url']);
        const noName = await node.api('POST', '/api/v1/endpoints', { url: receiver.url });
        assert.deepEqual([noName.status, noName.body.error.field], [400, 'name']);
      });
    });
  });
}
