import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { withNode } from '../support/fixture.js';
import { createJob, runToEnd, trigger } from '../support/jobs.js';
import { reply } from '../support/receiver.js';
import { STORE_KINDS } from '../support/stores.js';

/** The response table of the Chronos page: what each answer means for the execution. */
const TABLE: Array<{ status: number; success_codes?: number[]; final: string; attempts: number }> = [
  { status: 200, final: 'succeeded', attempts: 1 },
  { status: 204, final: 'succeeded', attempts: 1 },
  { status: 299, final: 'succeeded', attempts: 1 },
  { status: 400, final: 'failed', attempts: 1 },
  { status: 401, final: 'failed', attempts: 1 },
  { status: 404, final: 'failed', attempts: 1 },
  { status: 408, final: 'failed', attempts: 3 },
  { status: 429, final: 'failed', attempts: 3 },
  { status: 500, final: 'failed', attempts: 3 },
  { status: 503, final: 'failed', attempts: 3 },
  { status: 302, final: 'failed', attempts: 1 },
  { status: 200, success_codes: [202], final: 'failed', attempts: 1 },
  { status: 202, success_codes: [202], final: 'succeeded', attempts: 1 },
  { status: 404, success_codes: [200, 404], final: 'succeeded', attempts: 1 },
];

const policy = { max_attempts: 3, initial_interval: '1s', max_interval: '1m', multiplier: 2 };

for (const kind of STORE_KINDS) {
  describe(`response handling: ${kind.name}`, () => {
    test('each status ends the execution as the response table says, retrying only 408, 429 and 5xx', async () => {
      await withNode(kind, {}, async ({ node, clock, receiver }) => {
        receiver.respond((req, res) => {
          const status = Number(new URL(req.path, 'http://x').searchParams.get('status'));
          res.writeHead(status, status === 302 ? { location: '/redirected' } : {}).end(`status ${status}`);
        });
        for (const [i, row] of TABLE.entries()) {
          const id = `status-${i}`;
          await createJob(node, {
            id,
            retry_policy: policy,
            webhook: { url: `${receiver.url}/hook?status=${row.status}`, ...(row.success_codes ? { success_codes: row.success_codes } : {}) },
          });
          const before = receiver.requests.length;
          const e = await runToEnd(node, clock, id, await trigger(node, id));
          const label = `HTTP ${row.status} with success_codes ${row.success_codes ?? '2xx'}`;
          assert.equal(e.status, row.final, label);
          assert.equal(e.attempts, row.attempts, label);
          assert.equal(receiver.requests.length - before, row.attempts, label);
          assert.equal(e.response.status_code, row.status, label);
          assert.equal(e.attempt_log.length, row.attempts, label);
          assert.equal(e.attempt_log.at(-1).response_body, row.status === 204 ? '' : `status ${row.status}`);
        }
        assert.ok(!receiver.requests.some((r) => r.path === '/redirected'), 'redirects are not followed');
      });
    });

    test('a redirect is a failure that says so and is not retried', async () => {
      await withNode(kind, { responder: reply(301, '', { location: 'http://127.0.0.1:1/' }) }, async ({ node, clock, receiver }) => {
        await createJob(node, { id: 'moved', retry_policy: policy, webhook: { url: receiver.url } });
        const e = await runToEnd(node, clock, 'moved', await trigger(node, 'moved'));
        assert.equal(e.status, 'failed');
        assert.match(e.last_error, /redirects are not followed/);
        assert.equal(e.attempt_log[0].error_code, 'HTTP_REDIRECT');
        assert.equal(e.attempt_log[0].response_headers.location, 'http://127.0.0.1:1/');
      });
    });

    test('connection errors are retried and recorded with their cause', async () => {
      await withNode(kind, {}, async ({ node, clock, receiver }) => {
        const closedPort = receiver.port;
        await receiver.close();
        await createJob(node, { id: 'refused', retry_policy: policy, webhook: { url: `http://127.0.0.1:${closedPort}/` } });
        const e = await runToEnd(node, clock, 'refused', await trigger(node, 'refused'));
        assert.equal(e.status, 'failed');
        assert.equal(e.attempts, 3);
        assert.equal(e.response.status_code, 0);
        assert.ok(e.attempt_log.every((a: any) => a.error_code === 'CONNECTION_ERROR'));
        assert.match(e.last_error, /ECONNREFUSED/);
      });
    });
  });
}
