import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseConfig } from '../../src/config/config.js';
import { loadConfig } from '../../src/config/load.js';
import { startNode } from '../support/harness.js';
import { createHookJob, hookUrl } from '../support/hooks.js';
import { waitUntil } from '../support/wait.js';
import { startReceiver } from '../support/receiver.js';
import { STORE_KINDS } from '../support/stores.js';

for (const kind of STORE_KINDS) {
  describe(`roles: ${kind.name}`, () => {
    test('a node with the api role alone takes calls and stores them; a worker node makes them', async () => {
      const db = kind.create();
      const receiver = await startReceiver();
      try {
        const api = await startNode(db, { config: { roles: ['api'] } });
        await createHookJob(api, { id: 'split', webhook: { url: receiver.url } });
        const accepted = await api.api('POST', hookUrl('default', 'split'), { n: 1 });
        assert.equal(accepted.status, 200, accepted.text);
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(receiver.requests.length, 0, 'the api node makes no calls');
        await api.close();
        const worker = await startNode(db, { config: { roles: ['worker'] } });
        try {
          // A worker node serves no API: the execution is read from the store it shares.
          await waitUntil(async () => (await worker.app.store.getExecution('split', accepted.body.id))?.status === 'succeeded', 10_000, 'the execution to succeed');
          assert.equal(receiver.requests.length, 1);
        } finally {
          await worker.close();
        }
      } finally {
        await receiver.close();
        await db.drop();
      }
    });
  });
}

describe('configuration of roles, proxies, retention and timeouts', () => {
  test('HOOKLINE_ROLES and HOOKLINE_TRUSTED_PROXIES take comma lists; bad values name their key', () => {
    const config = loadConfig({}, { HOOKLINE_ROLES: 'api, worker', HOOKLINE_TRUSTED_PROXIES: '10.0.0.0/8,::1', HOOKLINE_RETENTION: 'off' });
    assert.deepEqual([config.roles, config.trusted_proxies, config.retention], [['api', 'worker'], ['10.0.0.0/8', '::1'], 'off']);
    assert.throws(() => parseConfig({ roles: ['api', 'mailer'] }), /roles\.1/);
    assert.throws(() => parseConfig({ trusted_proxies: ['not-an-address'] }), /trusted_proxies\.0/);
    assert.throws(() => parseConfig({ retention: 'forever' }), /retention/);
    assert.throws(() => parseConfig({ http: { headers_timeout: '1m', request_timeout: '30s' } }), /http\.headers_timeout/);
  });
});
