import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { backoffMs, nextDelayMs, parseRetryAfter, resolveRetryPolicy } from '../../src/http/retry-policy.js';
import { withNode } from '../support/fixture.js';
import { startNode } from '../support/harness.js';
import { advanceToNextAttempt, createJob, getExecution, trigger, waitForExecution } from '../support/jobs.js';
import { reply, startReceiver, statusSequence } from '../support/receiver.js';
import { STORE_KINDS } from '../support/stores.js';

const SEED_POLICY = { max_attempts: 5, initial_interval: '10s', max_interval: '5m', multiplier: 2.0 };

describe('retry policy', () => {
  test("the seed's example: waits of 10s, 20s, 40s, 80s", () => {
    const policy = resolveRetryPolicy(SEED_POLICY);
    assert.deepEqual([1, 2, 3, 4].map((n) => backoffMs(policy, n)), [10_000, 20_000, 40_000, 80_000]);
  });

  test('waits are capped at max_interval', () => {
    const policy = resolveRetryPolicy({ initial_interval: '10s', max_interval: '30s', multiplier: 10 });
    assert.deepEqual([1, 2, 3].map((n) => backoffMs(policy, n)), [10_000, 30_000, 30_000]);
  });

  test('Retry-After lengthens a wait, never shortens it, and never past max_interval', () => {
    const policy = resolveRetryPolicy(SEED_POLICY);
    assert.equal(nextDelayMs(policy, 1, 25_000), 25_000);
    assert.equal(nextDelayMs(policy, 1, 2_000), 10_000);
    assert.equal(nextDelayMs(policy, 1, 3_600_000), 300_000);
    const now = Date.parse('2026-06-01T12:00:00Z');
    assert.equal(parseRetryAfter('120', now), 120_000);
    assert.equal(parseRetryAfter('Mon, 01 Jun 2026 12:01:30 GMT', now), 90_000);
    assert.equal(parseRetryAfter('soon', now), undefined);
  });
});

for (const kind of STORE_KINDS) {
  describe(`retries: ${kind.name}`, () => {
    test("attempts go out 10s, 20s, 40s and 80s apart, then the execution fails, as in the seed's example", async () => {
      await withNode(kind, { responder: reply(503, 'busy') }, async ({ node, clock, receiver }) => {
        await createJob(node, { id: 'seed', retry_policy: SEED_POLICY, webhook: { url: receiver.url } });
        const id = await trigger(node, 'seed');
        await receiver.waitFor(1);
        const sent = [clock.now()];
        for (const wait of [10_000, 20_000, 40_000, 80_000]) {
          const e = await waitForExecution(node, 'seed', id, (x) => x.next_attempt_at !== null && x.attempts === sent.length);
          assert.equal(e.status, 'retrying');
          assert.equal(Date.parse(e.next_attempt_at) - sent.at(-1)!, wait);
          clock.set(Date.parse(e.next_attempt_at) - 1);
          await new Promise((r) => setTimeout(r, 150)); // several worker polls: nothing may go out early
          assert.equal(receiver.requests.length, sent.length, `no attempt before the ${wait / 1000}s wait is over`);
          clock.set(Date.parse(e.next_attempt_at));
          await receiver.waitFor(sent.length + 1);
          sent.push(clock.now());
        }
        const e = await waitForExecution(node, 'seed', id);
        assert.equal(e.status, 'failed');
        assert.equal(e.attempts, 5);
        assert.equal(e.next_attempt_at, null);
        assert.deepEqual(e.attempt_log.map((a: any) => Date.parse(a.started_at) - sent[0]), [0, 10_000, 30_000, 70_000, 150_000]);
        assert.deepEqual(receiver.requests.map((r) => r.headers['x-hookline-attempt']), ['1', '2', '3', '4', '5']);
      });
    });

    test('a Retry-After on 429 or 503 that asks for longer is honoured, up to max_interval', async () => {
      const answers = [reply(429, '', { 'retry-after': '25' }), reply(503, '', { 'retry-after': '3600' }), reply(200)];
      await withNode(kind, { responder: (req, res) => answers[req.n - 1](req, res) }, async ({ node, clock, receiver }) => {
        await createJob(node, { id: 'later', retry_policy: { ...SEED_POLICY, max_interval: '1m' }, webhook: { url: receiver.url } });
        const id = await trigger(node, 'later');
        const t1 = clock.now();
        assert.equal((await advanceToNextAttempt(node, clock, 'later', id, 1)) - t1, 25_000);
        const t2 = clock.now();
        assert.equal((await advanceToNextAttempt(node, clock, 'later', id, 2)) - t2, 60_000);
        const e = await waitForExecution(node, 'later', id);
        assert.equal(e.status, 'succeeded');
        assert.equal(receiver.requests.length, 3);
      });
    });

    test('every attempt of an execution carries the same execution id and webhook-id', async () => {
      const secret = 'whsec_' + Buffer.from('a signing secret of 32 bytes!!!!').toString('base64');
      await withNode(kind, { responder: statusSequence(500, 500, 200) }, async ({ node, clock, receiver }) => {
        await createJob(node, { id: 'same', retry_policy: SEED_POLICY, webhook: { url: receiver.url, signing_secret: secret } });
        const id = await trigger(node, 'same');
        await advanceToNextAttempt(node, clock, 'same', id, 1);
        await advanceToNextAttempt(node, clock, 'same', id, 2);
        assert.equal((await waitForExecution(node, 'same', id)).status, 'succeeded');
        const seen = receiver.requests;
        assert.equal(seen.length, 3);
        assert.deepEqual(new Set(seen.map((r) => r.headers['x-hookline-execution-id'])), new Set([id]));
        assert.equal(new Set(seen.map((r) => r.headers['webhook-id'])).size, 1);
      });
    });

    test('a waiting retry is a row: it survives a restart and is made by the next node', async () => {
      const db = kind.create();
      const clock = new ManualClock(Date.parse('2026-06-01T12:00:00Z'));
      const receiver = await startReceiver(statusSequence(503, 200));
      try {
        const first = await startNode(db, { clock });
        await createJob(first, { id: 'durable', retry_policy: SEED_POLICY, webhook: { url: receiver.url } });
        const id = await trigger(first, 'durable');
        const waiting = await waitForExecution(first, 'durable', id, (e) => e.status === 'retrying');
        await first.close();
        const second = await startNode(db, { clock });
        try {
          assert.equal((await getExecution(second, 'durable', id)).status, 'retrying');
          clock.set(Date.parse(waiting.next_attempt_at));
          const e = await waitForExecution(second, 'durable', id);
          assert.equal(e.status, 'succeeded');
          assert.equal(e.attempts, 2);
        } finally {
          await second.close();
        }
      } finally {
        await receiver.close();
        await db.drop();
      }
    });
  });
}
