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
        // A name in the body that is not a string (even one whose toString is not a function) is a 400 naming it.
        const odd = await node.api('PUT', '/api/v1/endpoints/slack', { name: { toString: false }, url: receiver.url });
        assert.deepEqual([odd.status, odd.body.error.field, odd.body.error.message], [400, 'name', 'name: expected a string, got an object']);
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

    test("an endpoint's attempts, newest first, and how they went over the last hour and day; the overview names the endpoints failing most", async () => {
      const T0 = Date.parse('2026-06-01T12:00:30Z');
      await withNode(kind, { startAt: T0 }, async ({ node, clock, receiver }) => {
        receiver.respond((req, res) => void res.writeHead(req.path === '/fail' ? 500 : 200).end());
        await createEndpoint(node, { name: 'good', url: `${receiver.url}/ok` });
        await createEndpoint(node, { name: 'flaky', url: `${receiver.url}/fail` });
        await createJob(node, { id: 'ok', webhook: { endpoint: 'good' }, notify: [{ endpoint: 'good', on: ['execution.succeeded'] }] });
        await createJob(node, { id: 'bad', retry_policy: { max_attempts: 1 }, webhook: { endpoint: 'flaky' } });
        await createJob(node, { id: 'direct', webhook: { url: `${receiver.url}/fail` }, retry_policy: { max_attempts: 1 } });
        const okId = await trigger(node, 'ok');
        await waitForExecution(node, 'ok', okId, (e) => e.status === 'succeeded' && e.notifications?.[0]?.status === 'succeeded');
        for (const job of ['bad', 'bad', 'direct']) await waitForExecution(node, job, await trigger(node, job));

        const first = await node.api('GET', '/api/v1/endpoints/good/attempts?limit=1');
        assert.equal(first.status, 200, first.text);
        const rest = await node.api('GET', `/api/v1/endpoints/good/attempts?limit=1&cursor=${first.body.next_cursor}`);
        const good = [...first.body.items, ...rest.body.items];
        assert.deepEqual(good.map((a: any) => [a.job_id, a.execution_id, a.task ?? `notify ${a.notification}`, a.succeeded, a.status_code]), [
          ['ok', okId, 'notify 0', true, 200],
          ['ok', okId, 'webhook', true, 200],
        ]);
        const flaky = (await node.api('GET', '/api/v1/endpoints/flaky/attempts')).body.items;
        assert.deepEqual(flaky.map((a: any) => [a.job_id, a.succeeded, a.status_code, a.error]), [['bad', false, 500, 'HTTP 500'], ['bad', false, 500, 'HTTP 500']]);

        const stats = (name: string, window = '') => node.api('GET', `/api/v1/endpoints/${name}/stats${window}`);
        const goodStats = (await stats('good')).body;
        assert.deepEqual([goodStats.window, goodStats.attempts, goodStats.succeeded, goodStats.failed, goodStats.success_rate], ['24h', 2, 2, 0, 1]);
        assert.equal(goodStats.last_success_at, good[0].started_at);
        const flakyStats = (await stats('flaky', '?window=1h')).body;
        assert.deepEqual([flakyStats.attempts, flakyStats.failed, flakyStats.success_rate, flakyStats.last_success_at], [2, 2, 0, null]);
        const overview = (await node.api('GET', '/api/v1/overview')).body;
        assert.deepEqual(overview.failing_endpoints, [{ endpoint: 'flaky', failures: 2 }], 'a call made without an endpoint counts for none');

        clock.set(T0 + 2 * 3_600_000);
        assert.deepEqual([(await stats('good', '?window=1h')).body.attempts, (await stats('good', '?window=1h')).body.success_rate], [0, null]);
        assert.equal((await stats('good', '?window=24h')).body.attempts, 2);
        assert.equal((await stats('nowhere')).status, 404);
        assert.equal((await node.api('GET', '/api/v1/endpoints/nowhere/attempts')).status, 404);
        for (const forged of [['soon', 'x'], { started_at: 1, id: 'x' }, [1.5, 'x'], null]) {
          const cursor = Buffer.from(JSON.stringify(forged)).toString('base64url');
          const refused = await node.api('GET', `/api/v1/endpoints/good/attempts?cursor=${cursor}`);
          assert.deepEqual([refused.status, refused.body.error.field], [400, 'cursor'], JSON.stringify(forged));
        }
        const wrong = await stats('good', '?window=7d');
        assert.deepEqual([wrong.status, wrong.body.error.field], [400, 'window']);
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
