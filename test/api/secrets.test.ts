import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { withNode } from '../support/fixture.js';
import { createJob, runToEnd, trigger } from '../support/jobs.js';
import { STORE_KINDS } from '../support/stores.js';
import { storedText } from '../support/stored-text.js';

const TOKEN = 'SENTINEL-bearer-7f3a9c';
const PASSWORD = 'SENTINEL-password-51be';
const API_KEY = 'SENTINEL-apikey-c0ffee';
const URL_PASSWORD = 'SENTINELurlpw93';
const SIGNING_KEY = Buffer.from('SENTINEL-signing-key-0042!').toString('base64');
const SENTINELS = [TOKEN, PASSWORD, API_KEY, URL_PASSWORD, SIGNING_KEY];

function assertClean(text: string, where: string) {
  for (const s of SENTINELS) assert.ok(!text.includes(s), `${where} holds the secret ${s}`);
}

for (const kind of STORE_KINDS) {
  describe(`secrets: ${kind.name}`, () => {
    test('secrets appear as *** in API responses, logs and stored attempts, and never in the database', async () => {
      await withNode(kind, { startAt: Date.now() }, async ({ db, node, clock, receiver }) => {
        receiver.respond((req, res) => {
          // A careless receiver that echoes credentials back in its headers and body, and fails each
          // call's first attempt, so that failed attempts are stored too.
          const echoed = JSON.stringify(req.headers);
          res.writeHead(req.headers['x-hookline-attempt'] === '1' ? 503 : 200, { 'x-echo-auth': req.headers.authorization ?? '', 'x-echo-key': req.headers['x-api-key'] ?? '' }).end(echoed);
        });
        const policy = { max_attempts: 2, initial_interval: '1s' };
        const webhooks = [
          { auth: { type: 'bearer', token: TOKEN } },
          { auth: { type: 'basic', username: 'user', password: PASSWORD } },
          { auth: { type: 'api_key', api_key: API_KEY } },
          { url: receiver.url.replace('http://', `http://someone:${URL_PASSWORD}@`) },
          { signing_secret: `whsec_${SIGNING_KEY}`, body: '{"x": 1}' },
        ];
        const responses: string[] = [];
        for (const [i, webhook] of webhooks.entries()) {
          const created = await node.api('POST', '/api/v1/jobs', { id: `s${i}`, retry_policy: policy, webhook: { url: receiver.url, ...webhook } });
          assert.equal(created.status, 201);
          responses.push(created.text);
          const e = await runToEnd(node, clock, `s${i}`, await trigger(node, `s${i}`));
          assert.equal(e.status, 'succeeded');
          responses.push(JSON.stringify(e), (await node.api('GET', `/api/v1/jobs/s${i}`)).text);
          responses.push((await node.api('GET', `/api/v1/jobs/s${i}/executions`)).text);
        }
        // The same secrets in an endpoint, and in a task that overrides one.
        const endpoint = await node.api('POST', '/api/v1/endpoints', { name: 'secret-target', url: receiver.url, auth: { type: 'api_key', api_key: API_KEY }, signing_secret: `whsec_${SIGNING_KEY}` });
        assert.equal(endpoint.status, 201, endpoint.text);
        responses.push(endpoint.text, (await node.api('GET', '/api/v1/endpoints')).text);
        const tasks = [{ name: 'via', webhook: { endpoint: 'secret-target' } }, { name: 'over', webhook: { endpoint: 'secret-target', auth: { type: 'bearer', token: TOKEN } } }];
        const created = await node.api('POST', '/api/v1/jobs', { id: 'tasks', retry_policy: policy, tasks, notify: [{ endpoint: 'secret-target' }] });
        assert.equal(created.status, 201, created.text);
        const e = await runToEnd(node, clock, 'tasks', await trigger(node, 'tasks'));
        assert.equal(e.status, 'succeeded');
        responses.push(created.text, JSON.stringify(e), (await node.api('GET', '/api/v1/jobs/tasks')).text);
        assert.equal(receiver.requests[0].headers.authorization, `Bearer ${TOKEN}`, 'the receiver did get the real secret');
        const shown = await node.api('GET', '/api/v1/jobs/s0');
        assert.equal(shown.body.webhook.auth.token, '***');
        assert.equal((await node.api('GET', '/api/v1/jobs/s4')).body.webhook.signing_secret, '***');
        const execution = (await node.api('GET', '/api/v1/jobs/s0/executions')).body.items[0];
        assert.equal(execution.request.headers.Authorization, '***');
        responses.push((await node.api('GET', '/api/v1/jobs')).text);
        assertClean(responses.join('\n'), 'an API response');
        assertClean(node.logs.join(''), 'the log');
        assert.ok(node.logs.length > 0);
        await node.close();
        assertClean(await storedText(db), 'the database');
      });
    });

    test('PUT with "***" keeps the stored secret; a new value replaces it', async () => {
      await withNode(kind, {}, async ({ node, receiver }) => {
        await createJob(node, { id: 'keep', webhook: { url: receiver.url, auth: { type: 'bearer', token: 'first-token' } } });
        const shown = (await node.api('GET', '/api/v1/jobs/keep')).body;
        assert.equal((await node.api('PUT', '/api/v1/jobs/keep', shown)).status, 200, 'a job read back can be sent again as it is');
        await trigger(node, 'keep');
        assert.equal((await receiver.waitFor(1))[0].headers.authorization, 'Bearer first-token');
        const fresh = await node.api('PUT', '/api/v1/jobs/fresh', { webhook: { url: receiver.url, auth: { type: 'bearer', token: '***' } } });
        assert.equal(fresh.status, 400);
        assert.equal(fresh.body.error.field, 'webhook.auth.token');
      });
    });
  });
}
