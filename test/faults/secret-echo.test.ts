import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { withNode } from '../support/fixture.js';
import { hookUrl } from '../support/hooks.js';
import { createJob, runToEnd, trigger } from '../support/jobs.js';
import { storedText } from '../support/stored-text.js';
import { STORE_KINDS } from '../support/stores.js';
import { waitUntil } from '../support/wait.js';

const TOKEN = 'SENTINEL"tok/en+7f3a';
const USER = 'sentinel-user';
const PASSWORD = 'SENTINEL-pass"word/51be';
const API_KEY = 'SENTINEL-apikey+c0ffee/';
const SIGNING = Buffer.from('SENTINEL-signing-key-0042!').toString('base64');
const HOOK_SECRET = 'SENTINEL-hook-secret-9d1e';
const HOOK_KEY = 'SENTINELhookkey0b7c';
const VERIFY_SECRET = 'SENTINEL-github-verify-77aa';
const ENDPOINT_PASSWORD = 'SENTINEL-endpoint"pw/3c';

/** Each secret in every form a receiver or a caller may hand back: as it is, JSON-escaped, percent-encoded, base64. */
function forms(): string[] {
  const raw = [TOKEN, PASSWORD, API_KEY, SIGNING, HOOK_SECRET, HOOK_KEY, VERIFY_SECRET, ENDPOINT_PASSWORD];
  const out = raw.flatMap((s) => [s, JSON.stringify(s).slice(1, -1), encodeURIComponent(s), Buffer.from(s).toString('base64')]);
  out.push(Buffer.from(`${USER}:${PASSWORD}`).toString('base64'), Buffer.from(`${USER}:${ENDPOINT_PASSWORD}`).toString('base64'));
  return [...new Set(out)];
}

function assertClean(text: string, where: string): void {
  for (const form of forms()) assert.ok(!text.includes(form), `${where} holds a secret: ${form}`);
}

for (const kind of STORE_KINDS) {
  describe(`secrets echoed back: ${kind.name}`, () => {
    test('a receiver echoing credentials and a caller sending a hook secret in its body: no form of any secret is logged, stored or answered', async () => {
      await withNode(kind, { startAt: Date.now() }, async ({ db, node, clock, receiver }) => {
        receiver.respond((req, res) => {
          const auth = req.headers.authorization ?? '';
          res
            .writeHead(200, { 'x-echo-auth': auth, 'x-echo-key': req.headers['x-api-key'] ?? '', 'x-echo-encoded': encodeURIComponent(auth) })
            .end(JSON.stringify({ headers: req.headers, body: req.body, encoded: encodeURIComponent(auth + (req.headers['x-api-key'] ?? '')) }));
        });
        const answers: string[] = [];
        const webhooks = [
          { auth: { type: 'bearer', token: TOKEN } },
          { auth: { type: 'basic', username: USER, password: PASSWORD } },
          { auth: { type: 'api_key', api_key: API_KEY } },
          { signing_secret: `whsec_${SIGNING}`, body: '{"x": 1}' },
        ];
        for (const [i, webhook] of webhooks.entries()) {
          const created = await createJob(node, { id: `echo${i}`, webhook: { url: receiver.url, ...webhook } });
          answers.push(JSON.stringify(created));
          const e = await runToEnd(node, clock, `echo${i}`, await trigger(node, `echo${i}`));
          assert.equal(e.status, 'succeeded');
          answers.push(JSON.stringify(e));
          const tested = await node.api('POST', '/api/v1/webhooks/test', { webhook: { url: receiver.url, ...webhook } });
          assert.equal(tested.status, 200, tested.text);
          answers.push(tested.text);
        }
        assert.ok(receiver.requests.some((r) => r.headers.authorization === `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`), 'the receiver got the real credentials');

        // An endpoint with basic credentials, used by a task and by a notification.
        const endpoint = await node.api('PUT', '/api/v1/endpoints/echo', { url: receiver.url, auth: { type: 'basic', username: USER, password: ENDPOINT_PASSWORD } });
        assert.equal(endpoint.status, 201, endpoint.text);
        answers.push(endpoint.text, (await node.api('GET', '/api/v1/endpoints/echo')).text);
        await createJob(node, { id: 'via-endpoint', tasks: [{ name: 'a', webhook: { endpoint: 'echo' } }], notify: [{ endpoint: 'echo', on: ['execution.succeeded'] }] });
        const viaEndpoint = await runToEnd(node, clock, 'via-endpoint', await trigger(node, 'via-endpoint'));
        assert.equal(viaEndpoint.status, 'succeeded');
        await waitUntil(async () => (await node.api('GET', `/api/v1/jobs/via-endpoint/executions/${viaEndpoint.id}`)).body.notifications[0]?.status === 'succeeded', 10_000, 'the notification');
        answers.push((await node.api('GET', `/api/v1/jobs/via-endpoint/executions/${viaEndpoint.id}`)).text);

        // A hook checking GitHub's signature, whose caller puts the signing secret in the (signed) body.
        const signed = JSON.stringify({ leaked: VERIFY_SECRET });
        answers.push(JSON.stringify(await createJob(node, { id: 'verified', triggers: [{ type: 'webhook', key: 'verified-key-0123456789', verify: { scheme: 'github', secret: VERIFY_SECRET } }], webhook: { url: receiver.url } })));
        const signature = `sha256=${createHmac('sha256', VERIFY_SECRET).update(signed).digest('hex')}`;
        const verifiedCall = await node.api('POST', hookUrl('default', 'verified', 'verified-key-0123456789'), signed, { 'x-hub-signature-256': signature });
        assert.equal(verifiedCall.status, 200, verifiedCall.text);
        const verifiedExecution = await runToEnd(node, clock, 'verified', verifiedCall.body.id);
        assert.equal(verifiedExecution.trigger.body.leaked, '***');
        answers.push(JSON.stringify(verifiedExecution));

        // A caller puts the hook's secret (and key) in its body, its query and a header of its own.
        const job = {
          id: 'hooked',
          triggers: [{ type: 'webhook', key: HOOK_KEY, secret: HOOK_SECRET }],
          webhook: { url: receiver.url, body: { got: '{{ trigger.body.s }}', q: '{{ trigger.parameters.s }}' } },
        };
        answers.push(JSON.stringify(await createJob(node, job)));
        const call = await node.api('POST', `${hookUrl('default', 'hooked', HOOK_KEY)}?s=${encodeURIComponent(HOOK_SECRET)}`, { s: HOOK_SECRET, k: HOOK_KEY, nested: [{ deep: `x${HOOK_SECRET}x` }] }, {
          'x-webhook-secret': HOOK_SECRET,
          'x-mine': HOOK_SECRET,
        });
        assert.equal(call.status, 200, call.text);
        const e = await runToEnd(node, clock, 'hooked', call.body.id);
        assert.equal(e.status, 'succeeded');
        assert.equal(e.trigger.body.s, '***');
        answers.push(JSON.stringify(e));
        const sent = receiver.requests.at(-1)!;
        assert.deepEqual(JSON.parse(sent.body), { got: '***', q: '***' }, 'templates never saw the hook secret');
        const hooks = await node.api('GET', '/api/v1/hooks');
        answers.push(hooks.text);
        for (const hook of hooks.body.items) answers.push((await node.api('GET', `/api/v1/hooks/${hook.id}/invocations`)).text);
        answers.push((await node.api('GET', '/api/v1/jobs')).text);

        assertClean(answers.join('\n'), 'an API answer');
        assertClean(node.logs.join(''), 'the log');
        await node.close();
        assertClean(await storedText(db), 'the database');
      });
    });
  });
}
