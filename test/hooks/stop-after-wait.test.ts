import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { withNode } from '../support/fixture.js';
import { createHookJob, hookUrl, invocationsOf } from '../support/hooks.js';
import { waitForExecution } from '../support/jobs.js';
import { reply, statusSequence } from '../support/receiver.js';
import { STORE_KINDS } from '../support/stores.js';
import { waitUntil } from '../support/wait.js';

const NO_RETRY = { max_attempts: 1 };

for (const kind of STORE_KINDS) {
  describe(`hook stopAfter and wait: ${kind.name}`, () => {
    test('stopAfter: the hook disables itself once an execution it started ends in a listed state', async () => {
      await withNode(kind, { responder: statusSequence(200, 500) }, async ({ node, receiver }) => {
        const id = await createHookJob(node, { id: 'fragile', retry_policy: NO_RETRY, webhook: { url: receiver.url } }, { stopAfter: ['FAILED'] });
        const url = hookUrl('default', 'fragile');
        const ok = await node.api('POST', url, {});
        await waitForExecution(node, 'fragile', ok.body.id);
        assert.equal((await node.api('GET', `/api/v1/hooks/${id}`)).body.status, 'active', 'a success is not listed');
        const bad = await node.api('POST', url, {});
        assert.equal((await waitForExecution(node, 'fragile', bad.body.id)).status, 'failed');
        const hook = (await node.api('GET', `/api/v1/hooks/${id}`)).body;
        assert.deepEqual([hook.status, hook.stopAfter], ['disabled', ['failed']]);
        assert.equal(hook.disabled_reason, `stopAfter: execution ${bad.body.id} failed`);
        assert.equal((await node.api('POST', url, {})).status, 403);
        assert.equal((await node.api('PATCH', `/api/v1/hooks/${id}`, { enabled: true })).body.disabled_reason, null);
      });
    });

    test('stopAfter takes only execution states', async () => {
      await withNode(kind, {}, async ({ node }) => {
        const res = await node.api('POST', '/api/v1/jobs', { id: 'x', triggers: [{ type: 'webhook', stopAfter: ['succeeded', 'KILLED'] }], webhook: { url: 'http://127.0.0.1:9/' } });
        assert.deepEqual([res.status, res.body.error.field], [400, 'triggers.0.stopAfter.1']);
      });
    });

    test('?wait=true holds the answer until the execution ends: 200 when it succeeded, 502 when it failed', async () => {
      await withNode(kind, { responder: statusSequence(201, 404) }, async ({ node, receiver }) => {
        const id = await createHookJob(node, { id: 'held', retry_policy: NO_RETRY, webhook: { url: receiver.url } });
        const url = `${hookUrl('default', 'held')}?wait=true`;
        const ok = await node.api('POST', url, {});
        assert.equal(ok.status, 200, ok.text);
        assert.deepEqual([ok.body.state, ok.body.attempts, ok.body.response.status_code], ['succeeded', 1, 201]);
        const failed = await node.api('POST', url, {});
        assert.equal(failed.status, 502, failed.text);
        assert.deepEqual([failed.body.state, failed.body.last_error], ['failed', 'HTTP 404']);
        assert.equal(failed.body.url, `/api/v1/jobs/held/executions/${failed.body.id}`);
        const log = await invocationsOf(node, id);
        assert.deepEqual(log.map((i) => [i.status_code, i.execution.status]), [[502, 'failed'], [200, 'succeeded']], 'the log has the answers given');
      });
    });

    test('wait: true on the trigger; an execution still running at hooks.wait_timeout is answered 202', async () => {
      const config = { hooks: { wait_timeout: '20s' } };
      await withNode(kind, { config, responder: reply(503) }, async ({ node, clock, receiver }) => {
        const retry_policy = { max_attempts: 5, initial_interval: '1m' };
        await createHookJob(node, { id: 'slow', retry_policy, webhook: { url: receiver.url } }, { wait: true });
        const pending = node.api('POST', hookUrl('default', 'slow'), {});
        await receiver.waitFor(1);
        await waitUntil(async () => (await node.api('GET', '/api/v1/jobs/slow/executions')).body.items[0]?.status === 'retrying');
        clock.advance(20_000);
        const answered = await pending;
        assert.deepEqual([answered.status, answered.body.state, answered.body.attempts], [202, 'retrying', 1]);
        const immediate = await node.api('POST', `${hookUrl('default', 'slow')}?wait=false`, {});
        assert.deepEqual([immediate.status, immediate.body.state], [200, 'pending']);
      });
    });
  });
}
