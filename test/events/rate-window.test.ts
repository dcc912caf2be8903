import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { systemClock } from '../../src/clock.js';
import { startNode } from '../support/harness.js';
import { startReceiver } from '../support/receiver.js';
import { STORE_KINDS } from '../support/stores.js';
import { waitUntil } from '../support/wait.js';

/** The most arrivals any window of `windowMs` (both ends included) holds. */
function busiestWindow(times: number[], windowMs: number): number {
  let most = 0;
  for (let i = 0; i < times.length; i++) most = Math.max(most, times.filter((t) => t >= times[i] && t <= times[i] + windowMs).length);
  return most;
}

for (const kind of STORE_KINDS) {
  describe(`a rate limit holds in every window, on the real clock: ${kind.name}`, () => {
    test('5 a second: 30 events, and no second at the receiver sees a sixth', async () => {
      const arrivals: number[] = [];
      const db = kind.create();
      const receiver = await startReceiver((_req, res) => {
        arrivals.push(performance.now());
        res.writeHead(200).end();
      });
      // A worker that looks often claims deliveries on time and late alike: the pace must hold either way.
      const node = await startNode(db, { clock: systemClock, config: { worker: { poll_interval: '10ms' } } });
      try {
        const made = await node.api('POST', '/api/v1/endpoints', { name: 'paced', url: receiver.url, subscriptions: ['*'], rate_limit: { deliveries: 5, per: '1s' } });
        assert.equal(made.status, 201, made.text);
        for (let seq = 0; seq < 30; seq++) assert.equal((await node.api('POST', '/api/v1/events', { type: 'tick', payload: { seq } })).status, 202);
        await waitUntil(() => arrivals.length >= 30, 20_000, '30 deliveries');
        assert.ok(busiestWindow(arrivals, 1000) <= 5, `a window of 1 s saw ${busiestWindow(arrivals, 1000)} deliveries`);
        // And the pace is the limit's, not slower: 30 at 5 a second take about 6 s.
        assert.ok(arrivals[29] - arrivals[0] < 7_500, `30 deliveries took ${(arrivals[29] - arrivals[0]).toFixed(0)} ms`);
      } finally {
        await node.close();
        await receiver.close();
        await db.drop();
      }
    });
  });
}
