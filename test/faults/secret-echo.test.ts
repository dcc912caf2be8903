import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { withNode } from '../support/fixture.js';
import { hookUrl } from '../support/hooks.js';
import { createJob, runToEnd, trigger } from '../support/jobs.js';
import { storedText } from '../support/stored-text.js';
import { STORE_KINDS } from '../support/stores.js';

const TOKEN = 'SENTINEL"tok/en+7f3a';
const USER = 'sentinel-user';
const PASSWORD = 'SENTINEL-pass"word/51be';
const API_KEY = 'SENTINEL-apikey+c0ffee/';
const SIGNING = Buffer.from('SENTINEL-signing-key-0042!').toString('base64');
const HOOK_SECRET = 'SENTINEL-hook-secret-9d1e';
const HOOK_KEY = 'SENTINELhookkey0b7c';

/** Each secret in every form a receiver or a caller may hand back: as it is, JSON-escaped, percent-encoded, base64. */
function forms(): string[] {
  const raw = [TOKEN, PASSWORD, API_KEY, SIGNING, HOOK_SECRET, HOOK_KEY];
  const out = raw.flatMap((s) => [s, JSON.stringify(s).slice(1, -1), encodeURIComponent(s), Buffer.from(s).toString('base64')]);
  out.push(Buffer.from(`${USER}:${PASSWORD}`).toString('base64'));
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
        answers.push((await node.api('GET', `/api/v1/hooks/${hooks.body.items[0].id}/invocations`)).text);
        answers.push((await node.api('GET', '/api/v1/jobs')).text);

        assertClean(answers.join('\n'), 'an API answer');
        assertClean(node.logs.join(''), 'the log');
        await node.close();
        assertClean(await storedText(db), 'the database');
      });
    });
  });
}
