import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createEgressPolicy } from '../../src/http/egress.js';
import { withNode } from '../support/fixture.js';
import { createJob, trigger, waitForExecution } from '../support/jobs.js';
import { STORE_KINDS } from '../support/stores.js';

const sqlite = STORE_KINDS[0];

describe('egress policy', () => {
  test('link-local and cloud-metadata addresses are refused by default, in every spelling', () => {
    const policy = createEgressPolicy({});
    for (const address of ['169.254.169.254', '169.254.0.1', 'fe80::1', 'fd00:ec2::254', '::ffff:169.254.169.254', '::ffff:a9fe:a9fe']) {
      assert.equal(policy.permits(address), false, address);
    }
    for (const address of ['127.0.0.1', '::1', '10.1.2.3', '8.8.8.8', '2001:db8::1']) assert.equal(policy.permits(address), true, address);
    assert.equal(policy.permits('not an address'), false);
  });

  test('egress.allow opens a built-in refusal; egress.deny closes anything, and wins over allow', () => {
    const policy = createEgressPolicy({ allow: ['169.254.10.0/24', '10.0.0.0/8'], deny: ['127.0.0.0/8', '10.9.0.0/16', '::1/128'] });
    assert.equal(policy.permits('169.254.10.5'), true);
    assert.equal(policy.permits('169.254.169.254'), false);
    assert.equal(policy.permits('127.0.0.2'), false);
    assert.equal(policy.permits('::ffff:127.0.0.1'), false);
    assert.equal(policy.permits('::1'), false);
    assert.equal(policy.permits('10.9.1.1'), false);
    assert.equal(policy.permits('10.8.1.1'), true);
  });

  test('a refused call fails with EGRESS_DENIED, is not retried, and sends zero bytes, however the host is written', async () => {
    await withNode(sqlite, { config: { egress: { deny: ['127.0.0.0/8', '::1/128'] } } }, async ({ node, receiver }) => {
      const hosts = ['127.0.0.1', 'localhost', '[::ffff:127.0.0.1]', '2130706433', '0x7f.1', '127.1'];
      for (const [i, host] of hosts.entries()) {
        const id = `denied-${i}`;
        await createJob(node, { id, retry_policy: { max_attempts: 3 }, webhook: { url: `http://${host}:${receiver.port}/` } });
        const e = await waitForExecution(node, id, await trigger(node, id));
        assert.equal(e.status, 'failed', host);
        assert.equal(e.attempts, 1, `${host} is not retried`);
        assert.equal(e.attempt_log[0].error_code, 'EGRESS_DENIED', host);
      }
      assert.equal(receiver.connections, 0, 'not one connection reached the receiver');
    });
  });

  test('loopback is permitted by default', async () => {
    await withNode(sqlite, {}, async ({ node, receiver }) => {
      await createJob(node, { id: 'ok', webhook: { url: `http://localhost:${receiver.port}/` } });
      assert.equal((await waitForExecution(node, 'ok', await trigger(node, 'ok'))).status, 'succeeded');
    });
  });
});
