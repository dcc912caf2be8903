import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { withNode } from '../support/fixture.js';
import { createHookJob, hookUrl, invocationsOf, KEY, waitForInvocations } from '../support/hooks.js';
import { createJob, waitForExecution } from '../support/jobs.js';
import { executionsOf } from '../support/schedules.js';
import { STORE_KINDS } from '../support/stores.js';

for (const kind of STORE_KINDS) {
  describe(`hooks API: ${kind.name}`, () => {
    test('GET /api/v1/hooks lists every hook with its URL, job, status, creation and last call', async () => {
      await withNode(kind, {}, async ({ node, clock }) => {
        const created = await createJob(node, {
          id: 'deploy',
          namespace: 'company.team',
          triggers: [{ type: 'webhook', key: KEY }, { type: 'webhook', id: 'alerts', enabled: false }],
          webhook: { url: 'http://127.0.0.1:9/' },
        });
        await createHookJob(node, { id: 'other', namespace: 'ops' });
        await createJob(node, { id: 'plain', webhook: { url: 'http://127.0.0.1:9/' } });
        const listed = await node.api('GET', '/api/v1/hooks');
        assert.equal(listed.status, 200, listed.text);
        assert.equal(listed.body.items.length, 3, 'a job without triggers has no hooks');
        const deploy = listed.body.items.find((h: any) => h.trigger_id === 'webhook' && h.job_id === 'deploy');
        assert.equal(deploy.id, created.triggers[0].hook_id);
        assert.deepEqual(
          [deploy.namespace, deploy.url, deploy.status, deploy.created_at, deploy.last_triggered_at],
          ['company.team', '/api/v1/executions/webhook/company.team/deploy/***', 'active', new Date(clock.now()).toISOString(), null],
        );
        assert.equal(listed.body.items.find((h: any) => h.trigger_id === 'alerts').status, 'disabled');
        assert.equal(listed.text.includes(KEY), false, 'keys are secrets');

        clock.advance(60_000);
        assert.equal((await node.api('POST', hookUrl('company.team', 'deploy'), {})).status, 200);
        const shown = await node.api('GET', `/api/v1/hooks/${deploy.id}`);
        assert.equal(shown.body.last_triggered_at, new Date(clock.now()).toISOString());

        const ops = await node.api('GET', '/api/v1/hooks?namespace=ops');
        assert.deepEqual(ops.body.items.map((h: any) => h.job_id), ['other']);
        const off = await node.api('GET', '/api/v1/hooks?enabled=false');
        assert.deepEqual(off.body.items.map((h: any) => h.trigger_id), ['alerts']);
        const ofJob = await node.api('GET', '/api/v1/hooks?job=deploy&limit=1');
        assert.equal(ofJob.body.items.length, 1);
        const next = await node.api('GET', `/api/v1/hooks?job=deploy&limit=1&cursor=${ofJob.body.next_cursor}`);
        assert.notEqual(next.body.items[0].id, ofJob.body.items[0].id);
        assert.equal((await node.api('GET', '/api/v1/hooks?enabled=maybe')).body.error.field, 'enabled');
      });
    });

    test('PATCH disables a hook: its URL stays but refuses calls, logged; enabling it again works', async () => {
      await withNode(kind, {}, async ({ node }) => {
        const id = await createHookJob(node, { id: 'toggle' });
        const off = await node.api('PATCH', `/api/v1/hooks/${id}`, { enabled: false });
        assert.deepEqual([off.status, off.body.status], [200, 'disabled']);
        const refused = await node.api('POST', hookUrl('default', 'toggle'), { n: 1 });
        assert.deepEqual([refused.status, refused.body.error.code], [403, 'HOOK_DISABLED']);
        assert.equal((await node.api('GET', '/api/v1/jobs/toggle')).body.triggers[0].enabled, false);

        const [logged] = await waitForInvocations(node, id, 1);
        assert.deepEqual([logged.result, logged.status_code, logged.execution], ['rejected', 403, null]);

        assert.equal((await node.api('PATCH', `/api/v1/hooks/${id}`, { enabled: true })).body.status, 'active');
        assert.equal((await node.api('POST', hookUrl('default', 'toggle'), {})).status, 200);
        assert.equal((await executionsOf(node, 'toggle')).length, 1);

        const bad = await node.api('PATCH', `/api/v1/hooks/${id}`, { enabled: 'no' });
        assert.deepEqual([bad.status, bad.body.error.field], [400, 'enabled']);
        const extra = await node.api('PATCH', `/api/v1/hooks/${id}`, { enabled: true, key: 'x' });
        assert.deepEqual([extra.status, extra.body.error.field], [400, 'key']);
        assert.equal((await node.api('PATCH', '/api/v1/hooks/no-such-hook', { enabled: true })).status, 404);
      });
    });

    test("replacing the job keeps a hook's id and state unless the trigger says enabled", async () => {
      await withNode(kind, {}, async ({ node }) => {
        const id = await createHookJob(node, { id: 'kept' });
        await node.api('PATCH', `/api/v1/hooks/${id}`, { enabled: false });
        const job = (await node.api('GET', '/api/v1/jobs/kept')).body;
        const { enabled: _enabled, ...trigger } = job.triggers[0];
        const replaced = await node.api('PUT', '/api/v1/jobs/kept', { ...job, triggers: [trigger] });
        assert.equal(replaced.status, 200, replaced.text);
        assert.deepEqual([replaced.body.triggers[0].hook_id, replaced.body.triggers[0].enabled], [id, false]);
        const again = await node.api('PUT', '/api/v1/jobs/kept', { ...job, triggers: [{ ...trigger, enabled: true }] });
        assert.equal(again.body.triggers[0].enabled, true);
        assert.equal((await node.api('POST', hookUrl('default', 'kept'), {})).status, 200);
      });
    });

    test('edits take effect at the next call: a new key, new conditions, a disabled hook', async () => {
      await withNode(kind, {}, async ({ node }) => {
        const id = await createHookJob(node, { id: 'edited' });
        assert.equal((await node.api('POST', hookUrl('default', 'edited'), { go: false })).status, 200, 'the node has read the hook');
        const job = (await node.api('GET', '/api/v1/jobs/edited')).body;
        const trigger = { type: 'webhook', key: 'a-new-key-for-this-hook', conditions: ['trigger.body.go == true'] };
        assert.equal((await node.api('PUT', '/api/v1/jobs/edited', { ...job, triggers: [trigger] })).status, 200);
        assert.equal((await node.api('POST', hookUrl('default', 'edited'), { go: true })).status, 404, 'the old key is gone');
        const url = hookUrl('default', 'edited', 'a-new-key-for-this-hook');
        assert.equal((await node.api('POST', url, { go: false })).status, 204, 'the new condition holds');
        assert.equal((await node.api('POST', url, { go: true })).status, 200);
        await node.api('PATCH', `/api/v1/hooks/${id}`, { enabled: false });
        assert.equal((await node.api('POST', url, { go: true })).status, 403);
        await node.api('PATCH', `/api/v1/hooks/${id}`, { enabled: true });
        assert.equal((await node.api('POST', url, { go: true })).status, 200);
        assert.equal((await executionsOf(node, 'edited')).length, 3);
      });
    });

    test('a test event starts a test execution, through the conditions, even while the hook is disabled', async () => {
      await withNode(kind, {}, async ({ node, receiver }) => {
        const id = await createHookJob(
          node,
          { id: 'tested', webhook: { url: receiver.url, body: '{"said": "{{ trigger.body.message }}"}' } },
          { secret: 'hook-secret-123', enabled: false, conditions: ['has(trigger.body.message)'] },
        );
        const sent = await node.api('POST', `/api/v1/hooks/${id}/test`, {});
        assert.equal(sent.status, 200, sent.text);
        assert.equal(sent.body.result, 'accepted');
        const execution = await waitForExecution(node, 'tested', sent.body.execution.id);
        assert.deepEqual([execution.status, execution.trigger.type, execution.trigger.test], ['succeeded', 'webhook', true]);
        const [call] = await receiver.waitFor(1);
        assert.deepEqual(JSON.parse(call.body), { said: 'Test event from Hookline' });

        const filtered = await node.api('POST', `/api/v1/hooks/${id}/test`, { body: { other: 1 } });
        assert.deepEqual([filtered.body.result, filtered.body.execution], ['filtered', null]);
        assert.match(filtered.body.reason, /has\(trigger\.body\.message\)/);

        const log = await invocationsOf(node, id);
        assert.deepEqual(log.map((i: any) => [i.result, i.test]), [['filtered', true], ['accepted', true]]);
        assert.equal((await node.api('POST', '/api/v1/hooks/nope/test', {})).status, 404);
        assert.equal((await node.api('POST', `/api/v1/hooks/${id}/test`, { bdy: 1 })).body.error.field, 'bdy');
      });
    });

    test('deleting the trigger or its job makes the URL answer 404 for good', async () => {
      await withNode(kind, {}, async ({ node }) => {
        const first = await createHookJob(node, { id: 'gone' });
        const job = (await node.api('GET', '/api/v1/jobs/gone')).body;
        assert.equal((await node.api('PUT', '/api/v1/jobs/gone', { ...job, triggers: [] })).status, 200);
        assert.equal((await node.api('POST', hookUrl('default', 'gone'), {})).status, 404);
        assert.equal((await node.api('GET', `/api/v1/hooks/${first}`)).status, 404);

        const second = await createHookJob(node, { id: 'gone-too' });
        assert.equal((await node.api('DELETE', '/api/v1/jobs/gone-too')).status, 204);
        assert.equal((await node.api('POST', hookUrl('default', 'gone-too'), {})).status, 404);
        assert.equal((await node.api('GET', `/api/v1/hooks/${second}/invocations`)).status, 404);
        assert.equal((await node.api('GET', '/api/v1/hooks')).body.items.length, 0);
      });
    });
  });
}
