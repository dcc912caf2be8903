import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { withNode } from '../support/fixture.js';
import type { Running } from '../support/harness.js';
import type { Received } from '../support/receiver.js';
import { STORE_KINDS } from '../support/stores.js';

const TOKEN = 'signing-test-api-token';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const secret = (fill: string) => 'whsec_' + Buffer.from(fill.padEnd(32, '.')).toString('base64');
const FIRST = secret('first-signing-secret');
const SECOND = secret('second-signing-secret');

/** An Ed25519 key as Standard Webhooks writes it: whsk_ and the base64 of its 32-byte seed. */
function ed25519Key(): string {
  const der = generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' });
  return 'whsk_' + der.subarray(der.length - 32).toString('base64');
}

/** Checks a request's v1a signatures as the standard defines them, with a whpk_ public key; how many match. */
function v1aMatches(req: Received, publicKey: string): number {
  const key = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(publicKey.slice(5), 'base64')]), format: 'der', type: 'spki' });
  const content = Buffer.from(`${req.headers['webhook-id']}.${req.headers['webhook-timestamp']}.${req.body}`);
  const signatures = req.headers['webhook-signature'].split(' ').filter((s) => s.startsWith('v1a,'));
  return signatures.filter((s) => verify(null, content, key, Buffer.from(s.slice(4), 'base64'))).length;
}

const verifies = (signing: string, req: Received) => {
  try {
    new Webhook(signing).verify(req.body, req.headers);
    return true;
  } catch {
    return false;
  }
};

async function deliverOne(node: Running, receiver: { waitFor(n: number): Promise<Received[]>; requests: Received[] }, n: number): Promise<Received> {
  const res = await node.api('POST', '/api/v1/events', { type: 'doc.signed', payload: { n } }, AUTH);
  assert.equal(res.status, 202, res.text);
  return (await receiver.waitFor(n))[n - 1];
}

for (const kind of STORE_KINDS) {
  describe(`signing: ${kind.name}`, () => {
    test('HMAC (v1) and Ed25519 (v1a) side by side; a rotation signs with old and new until its overlap ends', async () => {
      const key = ed25519Key();
      await withNode(kind, { startAt: Date.now(), config: { api_token: TOKEN } }, async ({ node, clock, receiver }) => {
        const created = await node.api('POST', '/api/v1/endpoints', { name: 'signed', url: receiver.url, subscriptions: ['doc.*'], signing_secret: FIRST, signing_key: key }, AUTH);
        assert.equal(created.status, 201, created.text);
        assert.deepEqual([created.body.signing_secret, created.body.signing_key], ['***', '***']);
        // The public key is read without the API token: receivers are not operators.
        const published = await node.api('GET', '/api/v1/endpoints/signed/public-key');
        assert.equal(published.status, 200, published.text);
        const firstKey = published.body.public_key;

        const one = await deliverOne(node, receiver, 1);
        assert.deepEqual(new Webhook(FIRST).verify(one.body, one.headers), { n: 1 });
        assert.equal(v1aMatches(one, firstKey), 1);
        // The standardwebhooks library checks v1 only: a header of v1a signatures alone is not one it accepts.
        assert.equal(verifies(FIRST, { ...one, headers: { ...one.headers, 'webhook-signature': one.headers['webhook-signature'].split(' ').filter((s) => s.startsWith('v1a,')).join(' ') } }), false);

        // Rotate both: the secret to one given, the key to one Hookline makes and shows once.
        const secretRotated = await node.api('POST', '/api/v1/endpoints/signed/rotate-secret', { signing_secret: SECOND, overlap: '2s' }, AUTH);
        assert.equal(secretRotated.status, 200, secretRotated.text);
        assert.equal(secretRotated.text.includes(SECOND.slice(6)), false, 'a secret the request gave is never shown');
        const keyRotated = await node.api('POST', '/api/v1/endpoints/signed/rotate-secret', { signing_key: ed25519Key(), overlap: '2s' }, AUTH);
        assert.equal(keyRotated.status, 200, keyRotated.text);
        const made = await node.api('POST', '/api/v1/endpoints/signed/rotate-secret', { overlap: '2s' }, AUTH);
        assert.match(made.body.new_signing_secret, /^whsec_/);
        assert.match(made.body.new_signing_key, /^whsk_/);
        const keys = (await node.api('GET', '/api/v1/endpoints/signed/public-key')).body;
        assert.equal(keys.public_key, made.body.public_key);
        assert.equal(keys.previous.length, 2, 'both keys rotated out still sign');

        const two = await deliverOne(node, receiver, 2);
        for (const s of [FIRST, SECOND, made.body.new_signing_secret]) assert.ok(verifies(s, two), 'every secret within its overlap signs');
        assert.equal(v1aMatches(two, keys.public_key), 1);
        assert.equal(v1aMatches(two, firstKey), 1);
        assert.equal(two.headers['webhook-signature'].split(' ').length, 6);

        clock.advance(3_000);
        const three = await deliverOne(node, receiver, 3);
        assert.deepEqual([verifies(FIRST, three), verifies(SECOND, three), verifies(made.body.new_signing_secret, three)], [false, false, true]);
        assert.deepEqual([v1aMatches(three, keys.public_key), v1aMatches(three, firstKey)], [1, 0]);
        assert.equal((await node.api('GET', '/api/v1/endpoints/signed/public-key')).body.previous.length, 0);
        const shown = await node.api('GET', '/api/v1/endpoints/signed', undefined, AUTH);
        for (const s of [FIRST, SECOND, made.body.new_signing_secret, made.body.new_signing_key, key]) assert.equal(shown.text.includes(s.slice(6, 30)), false);
      });
    });

    test('a rotation of an endpoint that signs with nothing is a 400 naming what to give; of no endpoint, a 404', async () => {
      await withNode(kind, {}, async ({ node, receiver }) => {
        assert.equal((await node.api('POST', '/api/v1/endpoints', { name: 'plain', url: receiver.url })).status, 201);
        const refused = await node.api('POST', '/api/v1/endpoints/plain/rotate-secret', {});
        assert.deepEqual([refused.status, refused.body.error.field], [400, 'signing_secret']);
        const bad = await node.api('POST', '/api/v1/endpoints/plain/rotate-secret', { signing_key: 'whsk_short' });
        assert.deepEqual([bad.status, bad.body.error.field], [400, 'signing_key']);
        assert.equal((await node.api('POST', '/api/v1/endpoints/none/rotate-secret', {})).status, 404);
        assert.equal((await node.api('GET', '/api/v1/endpoints/plain/public-key')).status, 404);
      });
    });
  });
}
