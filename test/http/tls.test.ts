import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { withNode } from '../support/fixture.js';
import { createJob, trigger, waitForExecution } from '../support/jobs.js';
import { STORE_KINDS } from '../support/stores.js';
import { startTlsReceiver, type TlsReceiver } from '../support/tls.js';

const sqlite = STORE_KINDS[0];
const once = { max_attempts: 1 };

describe('TLS for outbound calls', () => {
  let tls: TlsReceiver;
  before(async () => {
    tls = await startTlsReceiver();
  });
  after(() => tls.close());

  test('certificates are verified: a self-signed one fails the call', async () => {
    await withNode(sqlite, {}, async ({ node }) => {
      await createJob(node, { id: 'strict', retry_policy: once, webhook: { url: tls.url, verifySSL: true } });
      const e = await waitForExecution(node, 'strict', await trigger(node, 'strict'));
      assert.equal(e.status, 'failed');
      assert.equal(e.attempt_log[0].error_code, 'CONNECTION_ERROR');
      assert.match(e.last_error, /certificate/i);
    });
  });

  test('tls_skip_verify: true and verifySSL: false both turn verification off for that call only', async () => {
    await withNode(sqlite, {}, async ({ node }) => {
      await createJob(node, { id: 'skip', retry_policy: once, webhook: { url: tls.url, tls_skip_verify: true } });
      await createJob(node, { id: 'kontroler', retry_policy: once, webhook: { url: tls.url, verifySSL: false } });
      await createJob(node, { id: 'other', retry_policy: once, webhook: { url: tls.url } });
      assert.equal((await waitForExecution(node, 'skip', await trigger(node, 'skip'))).status, 'succeeded');
      assert.equal((await waitForExecution(node, 'kontroler', await trigger(node, 'kontroler'))).status, 'succeeded');
      assert.equal((await waitForExecution(node, 'other', await trigger(node, 'other'))).status, 'failed');
      const shown = await node.api('GET', '/api/v1/jobs/kontroler');
      assert.equal(shown.body.webhook.tls_skip_verify, true);
    });
  });

  test('a CA file in the server configuration (tls.ca_file) is trusted', async () => {
    await withNode(sqlite, { config: { tls: { ca_file: tls.certFile } } }, async ({ node }) => {
      await createJob(node, { id: 'ca', retry_policy: once, webhook: { url: tls.url } });
      const e = await waitForExecution(node, 'ca', await trigger(node, 'ca'));
      assert.equal(e.status, 'succeeded', e.last_error);
      assert.equal(e.attempt_log[0].response_body, 'secure');
    });
  });
});
