import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { withNode } from '../support/fixture.js';
import { createJob, trigger, waitForExecution } from '../support/jobs.js';
import { STORE_KINDS } from '../support/stores.js';

const sqlite = STORE_KINDS[0];
const once = { max_attempts: 1 };

describe('call deadlines', () => {
  test("the webhook's timeout wins over the job's, and a receiver that never answers is cut off", async () => {
    await withNode(sqlite, { responder: () => new Promise(() => {}) }, async ({ node, receiver }) => {
      await createJob(node, { id: 'slow', timeout: '20s', retry_policy: once, webhook: { url: receiver.url, timeout: '300ms' } });
      const e = await waitForExecution(node, 'slow', await trigger(node, 'slow'));
      assert.equal(e.status, 'failed');
      assert.equal(e.attempt_log[0].error_code, 'TIMEOUT');
      assert.ok(e.attempt_log[0].duration_ms >= 290 && e.attempt_log[0].duration_ms < 2000, `took ${e.attempt_log[0].duration_ms}ms`);
    });
  });

  test("without a webhook timeout, the job's timeout applies", async () => {
    await withNode(sqlite, { responder: () => new Promise(() => {}) }, async ({ node, receiver }) => {
      await createJob(node, { id: 'job-timeout', timeout: '400ms', retry_policy: once, webhook: { url: receiver.url } });
      const e = await waitForExecution(node, 'job-timeout', await trigger(node, 'job-timeout'));
      assert.equal(e.attempt_log[0].error_code, 'TIMEOUT');
      assert.ok(e.attempt_log[0].duration_ms >= 390 && e.attempt_log[0].duration_ms < 2000);
    });
  });

  test('the deadline covers reading the body: a receiver that trickles its body is cut off', async () => {
    let timer: NodeJS.Timeout | undefined;
    const trickle = (_req: unknown, res: any) =>
      new Promise<void>((resolve) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        let sent = 0;
        timer = setInterval(() => {
          if (res.destroyed || ++sent > 50) {
            clearInterval(timer);
            res.end();
            return resolve();
          }
          res.write('.');
        }, 100);
      });
    await withNode(sqlite, { responder: trickle }, async ({ node, receiver }) => {
      await createJob(node, { id: 'trickle', retry_policy: { max_attempts: 2, initial_interval: '1h' }, webhook: { url: receiver.url, timeout: '500ms' } });
      const e = await waitForExecution(node, 'trickle', await trigger(node, 'trickle'), (x) => x.attempts === 1 && x.status !== 'running' && x.status !== 'pending');
      clearInterval(timer);
      const a = e.attempt_log[0];
      assert.equal(a.error_code, 'TIMEOUT');
      assert.equal(a.status_code, 200, 'the status line had arrived');
      assert.ok(a.duration_ms < 2000, `cut off after ${a.duration_ms}ms`);
      assert.equal(e.status, 'retrying', 'a timeout is retried');
    });
  });
});
