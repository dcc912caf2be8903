import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { withNode } from '../support/fixture.js';
import { createJob, trigger, waitForExecution } from '../support/jobs.js';
import { STORE_KINDS } from '../support/stores.js';
import { waitUntil } from '../support/wait.js';

const KEPT = 64 * 1024;
const openFds = () => readdirSync('/proc/self/fd').length;

for (const kind of STORE_KINDS) {
  describe(`hostile receivers: ${kind.name}`, () => {
    test('a 200 MB answer is not read to its end: the connection is closed at 64 KiB and the attempt says truncated', async () => {
      let written = 0;
      let closed = false;
      await withNode(kind, {}, async ({ node, receiver }) => {
        receiver.respond((_req, res) => {
          res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(200 * 1024 * 1024) });
          const chunk = Buffer.alloc(64 * 1024, 'a');
          const pump = () => {
            while (written < 200 * 1024 * 1024 && !res.destroyed) {
              written += chunk.length;
              if (!res.write(chunk)) return void res.once('drain', pump);
            }
            res.end();
          };
          res.on('close', () => (closed = true));
          pump();
        });
        await createJob(node, { id: 'big', webhook: { url: receiver.url } });
        const e = await waitForExecution(node, 'big', await trigger(node, 'big'));
        assert.equal(e.status, 'succeeded');
        const attempt = e.attempt_log[0];
        assert.equal(attempt.status_code, 200);
        assert.equal(attempt.response_body_truncated, true);
        assert.equal(attempt.response_body.length, KEPT);
        await waitUntil(() => closed, 5000, 'the receiver to see its connection closed');
        assert.ok(written < 32 * 1024 * 1024, `the receiver wrote ${written} bytes before its connection was closed`);
      });
    });
  });
}

const sqlite = STORE_KINDS.find((k) => k.name === 'sqlite')!;

describe('hostile receivers', () => {
  test('a gzip bomb is kept as the bytes it came as, never inflated', async () => {
    const bomb = gzipSync(Buffer.alloc(100 * 1024 * 1024));
    await withNode(sqlite, {}, async ({ node, receiver }) => {
      receiver.respond((_req, res) => void res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'text/plain' }).end(bomb));
      await createJob(node, { id: 'bomb', webhook: { url: receiver.url } });
      const e = await waitForExecution(node, 'bomb', await trigger(node, 'bomb'));
      assert.equal(e.status, 'succeeded');
      const body: string = e.attempt_log[0].response_body;
      assert.ok(body.length <= KEPT, `kept ${body.length} characters`);
      assert.equal(body.charCodeAt(0), 0x1f, 'the body is still gzip (it starts with the gzip magic byte)');
      assert.equal(e.attempt_log[0].response_body_truncated, bomb.length > KEPT);
    });
  });

  test('a body trickled a byte a second is cut at the deadline', async () => {
    await withNode(sqlite, {}, async ({ node, receiver }) => {
      receiver.respond((_req, res) => {
        res.writeHead(200);
        const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write('x')), 1000);
        res.on('close', () => clearInterval(timer));
      });
      await createJob(node, { id: 'trickle', retry_policy: { max_attempts: 1 }, webhook: { url: receiver.url, timeout: '2s' } });
      const e = await waitForExecution(node, 'trickle', await trigger(node, 'trickle'));
      assert.equal(e.status, 'failed');
      const attempt = e.attempt_log[0];
      assert.equal(attempt.error_code, 'TIMEOUT');
      assert.ok(Math.abs(attempt.duration_ms - 2000) <= 1000, `cut after ${attempt.duration_ms} ms`);
    });
  });

  test('receivers that never answer: each call fails at its deadline, and no descriptor is left open after 100 of them', async () => {
    await withNode(sqlite, {}, async ({ node, receiver }) => {
      receiver.respond(() => new Promise(() => {}));
      await createJob(node, { id: 'silent', retry_policy: { max_attempts: 1 }, webhook: { url: receiver.url, timeout: '1s' } });
      const first = await waitForExecution(node, 'silent', await trigger(node, 'silent'));
      assert.equal(first.attempt_log[0].error_code, 'TIMEOUT');
      assert.ok(Math.abs(first.attempt_log[0].duration_ms - 1000) <= 1000);
      const baseline = openFds();
      const ids: string[] = [];
      for (let i = 0; i < 100; i++) ids.push(await trigger(node, 'silent'));
      for (const id of ids) assert.equal((await waitForExecution(node, 'silent', id, undefined, 20_000)).status, 'failed');
      await waitUntil(() => openFds() <= baseline + 4, 10_000, () => `descriptors back to ${baseline}; ${openFds()} open`);
    });
  });
});
