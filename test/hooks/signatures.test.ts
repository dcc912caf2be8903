import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { sign as githubSign } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { withNode } from '../support/fixture.js';
import { createJob } from '../support/jobs.js';
import { executionsOf } from '../support/schedules.js';
import { STORE_KINDS } from '../support/stores.js';
import type { Running } from '../support/harness.js';

const KEY = 'signed-hook-key-0123456789';
const NOW = Date.parse('2026-06-01T12:00:00Z');
const SECONDS = Math.floor(NOW / 1000);
const PAYLOAD = JSON.stringify({ event: 'push', ref: 'refs/heads/main' });
const stripe = new Stripe('sk_test_unused');
const STANDARD_SECRET = 'whsec_' + Buffer.from('standard-webhooks-test-secret-32b').toString('base64');

/** Creates a job whose one hook verifies `verify`, and returns a sender of raw JSON to it. */
async function signedHook(node: Running, id: string, verify: Record<string, unknown>) {
  await createJob(node, { id, triggers: [{ type: 'webhook', key: KEY, verify }], webhook: { url: 'http://127.0.0.1:9/' } });
  return (headers: Record<string, string>, body = PAYLOAD) =>
    node.api('POST', `/api/v1/executions/webhook/default/${id}/${KEY}`, body, { 'content-type': 'application/json', ...headers }).then((r) => r.status);
}

const hmac = (algorithm: string, key: string | Buffer, data: string, encoding: 'hex' | 'base64') => createHmac(algorithm, key).update(data).digest(encoding);

for (const kind of STORE_KINDS) {
  describe(`hook signatures: ${kind.name}`, () => {
    test('GitHub: X-Hub-Signature-256 as signed by @octokit/webhooks-methods', async () => {
      await withNode(kind, { startAt: NOW }, async ({ node }) => {
        const send = await signedHook(node, 'github', { scheme: 'github', secret: 'gh-secret' });
        assert.equal(await send({ 'x-hub-signature-256': await githubSign('gh-secret', PAYLOAD) }), 200);
        assert.equal(await send({ 'x-hub-signature-256': await githubSign('other-secret', PAYLOAD) }), 401);
        assert.equal(await send({ 'x-hub-signature-256': await githubSign('gh-secret', PAYLOAD) }, PAYLOAD + ' '), 401, 'over the exact bytes');
        assert.equal(await send({}), 401);
        assert.equal((await executionsOf(node, 'github')).length, 1);
      });
    });

    test("Stripe: Stripe-Signature from stripe's test header helper, within 300 s", async () => {
      await withNode(kind, { startAt: NOW }, async ({ node }) => {
        const secret = 'whsec_stripe_test_secret';
        const send = await signedHook(node, 'stripe', { scheme: 'stripe', secret });
        const header = (timestamp: number, key = secret) => ({ 'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload: PAYLOAD, secret: key, timestamp }) });
        assert.equal(await send(header(SECONDS - 299)), 200);
        assert.equal(await send(header(SECONDS - 301)), 401, 'too old');
        assert.equal(await send(header(SECONDS + 301)), 401, 'too far ahead');
        assert.equal(await send(header(SECONDS, 'whsec_wrong')), 401);
      });
    });

    test('Slack: X-Slack-Signature over v0:timestamp:body, and the timestamp checked', async () => {
      await withNode(kind, { startAt: NOW }, async ({ node }) => {
        const send = await signedHook(node, 'slack', { scheme: 'slack', secret: 'slack-signing-secret' });
        const signed = (t: number) => ({ 'x-slack-request-timestamp': String(t), 'x-slack-signature': 'v0=' + hmac('sha256', 'slack-signing-secret', `v0:${t}:${PAYLOAD}`, 'hex') });
        assert.equal(await send(signed(SECONDS)), 200);
        assert.equal(await send(signed(SECONDS - 600)), 401);
        assert.equal(await send({ 'x-slack-signature': signed(SECONDS)['x-slack-signature'] }), 401);
      });
    });

    test('Shopify: X-Shopify-Hmac-Sha256 in base64', async () => {
      await withNode(kind, { startAt: NOW }, async ({ node }) => {
        const send = await signedHook(node, 'shopify', { scheme: 'shopify', secret: 'shopify-secret' });
        assert.equal(await send({ 'x-shopify-hmac-sha256': hmac('sha256', 'shopify-secret', PAYLOAD, 'base64') }), 200);
        assert.equal(await send({ 'x-shopify-hmac-sha256': hmac('sha256', 'wrong', PAYLOAD, 'base64') }), 401);
      });
    });

    test('Standard Webhooks and Svix: signed by the standardwebhooks package, several signatures for rotation', async () => {
      await withNode(kind, { startAt: NOW }, async ({ node }) => {
        const send = await signedHook(node, 'standard', { scheme: 'standard_webhooks', secret: STANDARD_SECRET });
        const signer = new Webhook(STANDARD_SECRET);
        const at = (ms: number) => ({ 'webhook-id': 'msg_1', 'webhook-timestamp': String(Math.floor(ms / 1000)), 'webhook-signature': signer.sign('msg_1', new Date(ms), PAYLOAD) });
        assert.equal(await send(at(NOW)), 200);
        const oldKey = new Webhook('whsec_' + Buffer.from('the-key-before-the-rotation-xyz').toString('base64')).sign('msg_1', new Date(NOW), PAYLOAD);
        assert.equal(await send({ ...at(NOW), 'webhook-signature': `${oldKey} ${at(NOW)['webhook-signature']}` }), 200, 'one of several matches');
        assert.equal(await send({ ...at(NOW), 'webhook-signature': oldKey }), 401);
        assert.equal(await send(at(NOW - 301_000)), 401);
        const svix = await signedHook(node, 'svix', { scheme: 'svix', secret: STANDARD_SECRET });
        const h = at(NOW);
        assert.equal(await svix({ 'svix-id': h['webhook-id'], 'svix-timestamp': h['webhook-timestamp'], 'svix-signature': h['webhook-signature'] }), 200);
      });
    });

    test('generic HMAC: header, algorithm, encoding and prefix as configured', async () => {
      await withNode(kind, { startAt: NOW }, async ({ node }) => {
        const verify = { scheme: 'hmac', secret: 'generic', header: 'X-Signature', algorithm: 'sha512', encoding: 'base64', prefix: 'sha512=' };
        const send = await signedHook(node, 'generic', verify);
        assert.equal(await send({ 'x-signature': 'sha512=' + hmac('sha512', 'generic', PAYLOAD, 'base64') }), 200);
        assert.equal(await send({ 'x-signature': hmac('sha512', 'generic', PAYLOAD, 'base64') }), 401, 'prefix missing');
        assert.equal(await send({ 'x-signature': 'sha512=' + hmac('sha256', 'generic', PAYLOAD, 'base64') }), 401);
      });
    });

    test('a verify setting that is incomplete or unknown is refused; its secret is never shown', async () => {
      await withNode(kind, { startAt: NOW }, async ({ node }) => {
        const post = (verify: unknown) => node.api('POST', '/api/v1/jobs', { id: 'v', triggers: [{ type: 'webhook', verify }], webhook: { url: 'http://127.0.0.1:9/' } });
        for (const [verify, field] of [
          [{ scheme: 'carrier-pigeon', secret: 'x' }, 'triggers.0.verify.scheme'],
          [{ scheme: 'github' }, 'triggers.0.verify.secret'],
          [{ scheme: 'hmac', secret: 'x' }, 'triggers.0.verify.header'],
          [{ scheme: 'github', secret: '***' }, 'triggers.0.verify.secret'],
        ] as const) {
          const res = await post(verify);
          assert.deepEqual([res.status, res.body.error.field], [400, field], res.text);
        }
        await signedHook(node, 'hidden', { scheme: 'github', secret: 'sentinel-verify-secret' });
        const shown = await node.api('GET', '/api/v1/jobs/hidden');
        assert.equal(shown.body.triggers[0].verify.secret, '***');
        assert.equal(shown.text.includes('sentinel-verify-secret'), false);
      });
    });
  });
}
