import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { createEgressPolicy } from '../../src/http/egress.js';
import { withNode } from '../support/fixture.js';
import { createJob, trigger, waitForExecution } from '../support/jobs.js';
import { STORE_KINDS } from '../support/stores.js';

const sqlite = STORE_KINDS[0];

const REFUSED_BY_DEFAULT = [
  '127.0.0.1', '127.5.5.5', '::1', // loopback
  '0.0.0.0', '0.1.2.3', '::', // unspecified
  '169.254.0.1', 'fe80::1', // link-local
  '169.254.169.254', 'fd00:ec2::254', '100.100.100.200', '192.0.0.192', '168.63.129.16', // cloud metadata
  '224.0.0.1', 'ff02::1', '255.255.255.255', // multicast, broadcast
  '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:a9fe:a9fe', '64:ff9b::7f00:1', '2002:7f00:1::', '2002:a9fe:a9fe::', // IPv4 inside IPv6
];
const PRIVATE = ['10.1.2.3', '192.168.1.1', '172.16.0.1', '100.64.0.1', 'fc00::1', 'fd12:3456::1'];
const PUBLIC = ['8.8.8.8', '1.1.1.1', '2606:4700::1111'];

describe('egress policy', () => {
  test('loopback, unspecified, link-local, multicast, broadcast and cloud metadata are refused by default, in every spelling; private ranges are not', () => {
    const policy = createEgressPolicy({});
    for (const address of REFUSED_BY_DEFAULT) assert.equal(policy.permits(address), false, address);
    for (const address of [...PRIVATE, ...PUBLIC]) assert.equal(policy.permits(address), true, address);
    assert.equal(policy.permits('not an address'), false);
  });

  test('a refusal names the class of the address and the setting that would allow it', () => {
    const policy = createEgressPolicy({ deny: ['10.9.0.0/16'] });
    assert.equal(policy.refusal('127.0.0.1'), '127.0.0.1 is a loopback address, refused by default; add 127.0.0.1/32 to egress.allow to call it');
    assert.match(policy.refusal('169.254.169.254')!, /is a cloud metadata address, refused by default; add 169\.254\.169\.254\/32 to egress\.allow/);
    assert.match(policy.refusal('::ffff:127.0.0.1')!, /^127\.0\.0\.1 is a loopback address/);
    assert.equal(policy.refusal('10.9.1.1'), '10.9.1.1 is in egress.deny (10.9.0.0/16)');
    assert.match(createEgressPolicy({ public_only: true }).refusal('10.1.2.3')!, /not a public address \(private\), refused because egress\.public_only is on/);
  });

  test('egress.public_only refuses every address that is not public; egress.allow opens any refusal; egress.deny wins over allow', () => {
    const strict = createEgressPolicy({ public_only: true });
    for (const address of [...REFUSED_BY_DEFAULT, ...PRIVATE]) assert.equal(strict.permits(address), false, address);
    for (const address of PUBLIC) assert.equal(strict.permits(address), true, address);
    const policy = createEgressPolicy({ public_only: true, allow: ['169.254.10.0/24', '10.0.0.0/8', '127.0.0.0/8'], deny: ['10.9.0.0/16', '127.0.0.2/32'] });
    assert.equal(policy.permits('169.254.10.5'), true);
    assert.equal(policy.permits('169.254.169.254'), false);
    assert.equal(policy.permits('10.8.1.1'), true);
    assert.equal(policy.permits('10.9.1.1'), false);
    assert.equal(policy.permits('127.0.0.1'), true);
    assert.equal(policy.permits('::ffff:127.0.0.2'), false);
  });

  test('a refused call fails with EGRESS_DENIED naming why, is not retried, and sends zero bytes, however the host is written', async () => {
    await withNode(sqlite, { config: { egress: { allow: [] } } }, async ({ node, receiver }) => {
      const hosts = ['127.0.0.1', 'localhost', '[::ffff:127.0.0.1]', '2130706433', '0x7f.1', '127.1', '0177.0.0.1', '127.0.0.1.', '0.0.0.0', '0'];
      for (const [i, host] of hosts.entries()) {
        const id = `denied-${i}`;
        await createJob(node, { id, retry_policy: { max_attempts: 3 }, webhook: { url: `http://${host}:${receiver.port}/` } });
        const e = await waitForExecution(node, id, await trigger(node, id));
        assert.equal(e.status, 'failed', host);
        assert.equal(e.attempts, 1, `${host} is not retried`);
        assert.equal(e.attempt_log[0].error_code, 'EGRESS_DENIED', host);
        assert.match(e.last_error, /refused: .* is (a loopback|an unspecified) address, refused by default; add .* to egress\.allow/, host);
      }
      assert.equal(receiver.connections, 0, 'not one connection reached the receiver');
    });
  });

  test('one line of configuration opens loopback for local development', async () => {
    await withNode(sqlite, { config: { egress: { allow: ['127.0.0.0/8'] } } }, async ({ node, receiver }) => {
      await createJob(node, { id: 'ok', webhook: { url: `http://localhost:${receiver.port}/` } });
      assert.equal((await waitForExecution(node, 'ok', await trigger(node, 'ok'))).status, 'succeeded');
    });
  });

  test("the README's one line for local development opens loopback, from the environment or from hookline.yaml", () => {
    const fromEnv = loadConfig({}, { HOOKLINE_EGRESS_ALLOW: '127.0.0.0/8,::1' });
    const file = join(mkdtempSync(join(tmpdir(), 'hookline-egress-')), 'hookline.yaml');
    writeFileSync(file, 'egress: {allow: [127.0.0.0/8, "::1"]}\n');
    const fromFile = loadConfig({ config: file }, {});
    for (const config of [fromEnv, fromFile]) {
      assert.deepEqual(config.egress.allow, ['127.0.0.0/8', '::1']);
      const policy = createEgressPolicy(config.egress);
      assert.equal(policy.permits('127.0.0.1'), true);
      assert.equal(policy.permits('::1'), true);
      assert.equal(policy.permits('169.254.169.254'), false);
    }
    assert.equal(loadConfig({}, { HOOKLINE_EGRESS_PUBLIC_ONLY: 'true' }).egress.public_only, true);
  });
});
