import assert from 'node:assert/strict';
import { lookup } from 'node:dns';
import { createServer, type Server } from 'node:http';
import { describe, test } from 'node:test';
import { startNode } from '../support/harness.js';
import { createJob, trigger, waitForExecution } from '../support/jobs.js';
import { startReceiver } from '../support/receiver.js';
import { STORE_KINDS } from '../support/stores.js';

const sqlite = STORE_KINDS.find((k) => k.name === 'sqlite')!;

/** Every way of writing an address a node must not reach by default (the canary listens on 127.0.0.1:port). */
function deniedUrls(port: number): string[] {
  const local = ['127.0.0.1', 'localhost', '2130706433', '0x7f000001', '0x7f.0.0.1', '0177.0.0.1', '127.1', '127.0.0.1.', '[::1]', '[::ffff:127.0.0.1]', '[::ffff:7f00:1]', '[64:ff9b::7f00:1]', '0.0.0.0', '0', '[::]'];
  const metadata = ['169.254.169.254', '[fd00:ec2::254]', '100.100.100.200', '192.0.0.192', '[::ffff:169.254.169.254]', '2852039166'];
  return [...local.map((h) => `http://${h}:${port}/latest/meta-data/`), ...metadata.map((h) => `http://${h}/latest/meta-data/`)];
}

/** A server on another loopback address, allowed by the node, that closes each connection after answering. */
async function serverOn(host: string, port: number, answer: Parameters<typeof createServer>[1]): Promise<Server> {
  const server = createServer((req, res) => {
    res.setHeader('connection', 'close');
    answer!(req, res);
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return server;
}

describe('SSRF: outbound calls cannot reach what the egress policy refuses', () => {
  test('every spelling of loopback, unspecified and metadata addresses is refused for jobs and for webhooks/test; the canary sees nothing', async () => {
    const canary = await startReceiver();
    const db = sqlite.create();
    const node = await startNode(db, { config: { egress: { allow: [] } } });
    try {
      for (const [i, url] of deniedUrls(canary.port).entries()) {
        const tested = await node.api('POST', '/api/v1/webhooks/test', { webhook: { url } });
        assert.equal(tested.status, 200, tested.text);
        assert.equal(tested.body.success, false, url);
        assert.equal(tested.body.status_code, 0, url);
        assert.match(tested.body.response_body, /egress to .* refused/, url);

        await createJob(node, { id: `ssrf-${i}`, webhook: { url } });
        const e = await waitForExecution(node, `ssrf-${i}`, await trigger(node, `ssrf-${i}`));
        assert.equal(e.attempt_log[0].error_code, 'EGRESS_DENIED', url);
        assert.equal(e.attempts, 1, `${url} is not retried`);
      }
      assert.equal(canary.connections, 0, 'the canary was never reached');
    } finally {
      await node.close();
      await db.drop();
      await canary.close();
    }
  });

  test('a redirect to a refused address is not followed', async () => {
    const canary = await startReceiver();
    const allowed = await serverOn('127.0.0.2', 0, (_req, res) => void res.writeHead(302, { location: `http://127.0.0.1:${canary.port}/` }).end());
    const port = (allowed.address() as { port: number }).port;
    const db = sqlite.create();
    const node = await startNode(db, { config: { egress: { allow: ['127.0.0.2/32'] } } });
    try {
      await createJob(node, { id: 'redirect', webhook: { url: `http://127.0.0.2:${port}/` } });
      const e = await waitForExecution(node, 'redirect', await trigger(node, 'redirect'));
      assert.equal(e.status, 'failed');
      assert.equal(e.attempt_log[0].status_code, 302);
      assert.equal(canary.connections, 0);
    } finally {
      await node.close();
      await db.drop();
      allowed.close();
      await canary.close();
    }
  });

  test('DNS answering an allowed address first and a refused one next: each connection is checked on the address it reaches', async () => {
    const canary = await startReceiver();
    const allowed = await serverOn('127.0.0.2', canary.port, (_req, res) => void res.writeHead(200).end('allowed'));
    let answers = 0;
    // A name whose first answer is an allowed address and whose next ones are the canary's.
    const resolve = ((host: string, options: object, callback: (err: Error | null, addresses: Array<{ address: string; family: number }>) => void) => {
      if (host !== 'rebind.test') return lookup(host, options as never, callback as never);
      answers++;
      callback(null, [{ address: answers === 1 ? '127.0.0.2' : '127.0.0.1', family: 4 }]);
    }) as unknown as typeof lookup;
    const db = sqlite.create();
    const node = await startNode(db, { config: { egress: { allow: ['127.0.0.2/32'] } }, resolve });
    try {
      await createJob(node, { id: 'rebind', retry_policy: { max_attempts: 1 }, webhook: { url: `http://rebind.test:${canary.port}/` } });
      const first = await waitForExecution(node, 'rebind', await trigger(node, 'rebind'));
      assert.equal(first.status, 'succeeded', 'the first answer was allowed');
      const second = await waitForExecution(node, 'rebind', await trigger(node, 'rebind'));
      assert.equal(second.status, 'failed');
      assert.equal(second.attempt_log[0].error_code, 'EGRESS_DENIED');
      assert.match(second.last_error, /rebind\.test refused: 127\.0\.0\.1 is a loopback address/);
      assert.ok(answers >= 2, 'the name was resolved again for the new connection');
      assert.equal(canary.connections, 0, 'the canary was never reached');
    } finally {
      await node.close();
      await db.drop();
      allowed.close();
      await canary.close();
    }
  });
});
