import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sign as githubSign } from '@octokit/webhooks-methods';
import { withNode } from '../support/fixture.js';
import { createHookJob, hookUrl, invocationsOf, waitForInvocations } from '../support/hooks.js';
import { waitForExecution } from '../support/jobs.js';
import { reply } from '../support/receiver.js';
import { STORE_KINDS } from '../support/stores.js';

const SECRET = 'sentinel-invocation-secret-77';

for (const kind of STORE_KINDS) {
  describe(`invocation log: ${kind.name}`, () => {
    test('an accepted call is logged with time, source, method, headers, body and the outcome of its execution', async () => {
      await withNode(kind, {}, async ({ node, clock, receiver }) => {
        const id = await createHookJob(node, { id: 'logged', webhook: { url: receiver.url } }, { secret: SECRET });
        const body = { message: 'Deploy', token: SECRET };
        const res = await node.api('POST', `${hookUrl('default', 'logged')}?env=prod`, body, { 'x-webhook-secret': SECRET, 'x-source': 'ci' });
        assert.equal(res.status, 200, res.text);
        await waitForExecution(node, 'logged', res.body.id);
        const [entry] = await invocationsOf(node, id);
        assert.equal(entry.received_at, new Date(clock.now()).toISOString());
        assert.deepEqual([entry.source_ip, entry.method, entry.query], ['127.0.0.1', 'POST', 'env=prod']);
        assert.deepEqual([entry.result, entry.status_code, entry.reason, entry.test], ['accepted', 200, null, false]);
        assert.equal(entry.headers['x-source'], 'ci');
        assert.equal(entry.headers['x-webhook-secret'], '***');
        assert.deepEqual(JSON.parse(entry.body), { message: 'Deploy', token: '***' });
        assert.deepEqual(entry.execution, { id: res.body.id, status: 'succeeded', url: res.body.url });
        const all = JSON.stringify(await node.api('GET', `/api/v1/hooks/${id}/invocations`));
        assert.equal(all.includes(SECRET), false, 'the secret never shows');
      });
    });

    test('every kind of refusal is logged with its reason and answer, and starts nothing', async () => {
      await withNode(kind, {}, async ({ node }) => {
        const id = await createHookJob(node, { id: 'refusals' }, { verify: { scheme: 'github', secret: SECRET }, conditions: ["trigger.body.action == 'opened'"] });
        const url = hookUrl('default', 'refusals');
        const signed = async (payload: string, headers: Record<string, string> = {}) =>
          node.api('POST', url, payload, { 'content-type': 'application/json', 'x-hub-signature-256': await githubSign(SECRET, payload), ...headers });
        const answers = [
          (await signed('{"action": "opened"}')).status,
          (await signed('{"action": "closed"}')).status,
          (await node.api('POST', url, '{"action": "opened"}', { 'x-hub-signature-256': await githubSign('wrong', '{}') })).status,
          (await signed('{"action": ')).status,
          (await signed('{}', { 'content-encoding': 'br' })).status,
          (await node.api('POST', url, 'x'.repeat(1024 * 1024 + 1), { 'content-type': 'text/plain' })).status,
        ];
        assert.deepEqual(answers, [200, 204, 401, 400, 415, 413]);
        const log = await waitForInvocations(node, id, 6);
        const byStatus = new Map(log.map((i: any) => [i.status_code, i]));
        assert.deepEqual([...byStatus.keys()].sort(), [200, 204, 400, 401, 413, 415]);
        assert.equal(byStatus.get(200).result, 'accepted');
        assert.equal(byStatus.get(204).result, 'filtered');
        assert.match(byStatus.get(204).reason, /trigger\.body\.action == 'opened'.* is false/);
        for (const status of [400, 401, 413, 415]) assert.equal(byStatus.get(status).result, 'rejected', String(status));
        assert.match(byStatus.get(401).reason, /X-Hub-Signature-256 does not match/);
        assert.match(byStatus.get(400).reason, /not valid JSON/);
        assert.match(byStatus.get(415).reason, /Content-Encoding br/);
        assert.match(byStatus.get(413).reason, /larger than/);
        assert.equal(byStatus.get(413).body, null, 'a body over the limit is not kept');
        assert.equal(log.filter((i: any) => i.execution !== null).length, 1);
        const rejected = await invocationsOf(node, id, '&result=rejected');
        assert.equal(rejected.length, 4);
      });
    });

    test('bodies are kept up to 64 KiB; the log pages newest first', async () => {
      await withNode(kind, {}, async ({ node, clock }) => {
        const id = await createHookJob(node, { id: 'big' });
        const big = 'y'.repeat(100 * 1024);
        assert.equal((await node.api('POST', hookUrl('default', 'big'), big, { 'content-type': 'text/plain' })).status, 200);
        clock.advance(1000);
        assert.equal((await node.api('GET', hookUrl('default', 'big'))).status, 200);
        const [latest, first] = await invocationsOf(node, id);
        assert.deepEqual([latest.method, latest.body, latest.body_size], ['GET', null, 0]);
        assert.deepEqual([first.body.length, first.body_size, first.body_truncated], [64 * 1024, 100 * 1024, true]);
        const page1 = await node.api('GET', `/api/v1/hooks/${id}/invocations?limit=1`);
        const page2 = await node.api('GET', `/api/v1/hooks/${id}/invocations?limit=1&cursor=${page1.body.next_cursor}`);
        assert.deepEqual([page1.body.items[0].id, page2.body.items[0].id], [latest.id, first.id]);
        assert.equal((await node.api('GET', `/api/v1/hooks/${id}/invocations?result=odd`)).body.error.field, 'result');
      });
    });

    test('the source address comes from X-Forwarded-For only when the proxy is trusted', async () => {
      const forwarded = { 'x-forwarded-for': '203.0.113.7' };
      await withNode(kind, {}, async ({ node }) => {
        const id = await createHookJob(node, { id: 'direct' });
        await node.api('POST', hookUrl('default', 'direct'), {}, forwarded);
        assert.equal((await invocationsOf(node, id))[0].source_ip, '127.0.0.1');
      });
      await withNode(kind, { config: { trusted_proxies: ['127.0.0.0/8'] } }, async ({ node }) => {
        const id = await createHookJob(node, { id: 'proxied' });
        await node.api('POST', hookUrl('default', 'proxied'), {}, forwarded);
        assert.equal((await invocationsOf(node, id))[0].source_ip, '203.0.113.7');
      });
    });

    test("an invocation shows its execution's outcome once it ends", async () => {
      await withNode(kind, { responder: reply(400) }, async ({ node, receiver }) => {
        const id = await createHookJob(node, { id: 'fails', webhook: { url: receiver.url } });
        const res = await node.api('POST', hookUrl('default', 'fails'), {});
        await waitForExecution(node, 'fails', res.body.id);
        assert.equal((await invocationsOf(node, id))[0].execution.status, 'failed');
      });
    });
  });
}
