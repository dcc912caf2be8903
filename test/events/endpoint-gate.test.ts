import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ManualClock } from '../../src/clock.js';
import { withNode } from '../support/fixture.js';
import type { Running } from '../support/harness.js';
import { STORE_KINDS } from '../support/stores.js';
import { waitUntil } from '../support/wait.js';

async function endpoint(node: Running, body: Record<string, unknown>): Promise<void> {
  const res = await node.api('POST', '/api/v1/endpoints', body);
  assert.equal(res.status, 201, res.text);
}

async function publishMany(node: Running, type: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let seq = 1; seq <= count; seq++) {
    const res = await node.api('POST', '/api/v1/events', { type, payload: { seq } });
    assert.equal(res.status, 202, res.text);
    ids.push(res.body.id);
  }
  return ids;
}

/** Moves the node's clock on a second at a time until `done` holds (retries and probes wait on it). */
async function driveClock(clock: ManualClock, done: () => boolean | Promise<boolean>, what: string): Promise<void> {
  await waitUntil(async () => {
    if (await done()) return true;
    clock.advance(1_000);
    return false;
  }, 30_000, what);
}

const seqs = (bodies: string[]) => bodies.map((b) => JSON.parse(b).seq as number);

for (const kind of STORE_KINDS) {
  describe(`endpoint gate: ${kind.name}`, () => {
    test('FIFO: 100 events, the 10th failing twice: the receiver sees them strictly in order, the 11th only after the 10th succeeded', async () => {
      const failures = new Map<number, number>();
      await withNode(kind, {
        responder: (req, res) => {
          const { seq } = JSON.parse(req.body);
          const failed = failures.get(seq) ?? 0;
          if (seq === 10 && failed < 2) {
            failures.set(seq, failed + 1);
            return void res.writeHead(503).end();
          }
          res.writeHead(200).end();
        },
      }, async ({ node, clock, receiver }) => {
        await endpoint(node, { name: 'ordered', url: receiver.url, subscriptions: ['ledger.*'], ordering: 'fifo', retry_policy: { max_attempts: 5, initial_interval: '1s' } });
        await publishMany(node, 'ledger.entry', 100);
        await driveClock(clock, () => receiver.requests.length >= 102, '102 requests at the receiver');
        const expected = [...Array(100).keys()].map((i) => i + 1);
        expected.splice(10, 0, 10, 10);
        assert.deepEqual(seqs(receiver.requests.map((r) => r.body)), expected);
      });
    });

    test('a rate limit spaces deliveries: 20 events at 5 a second take four seconds of the clock', async () => {
      const seen: number[] = [];
      await withNode(kind, {}, async ({ node, clock, receiver }) => {
        receiver.respond((_req, res) => {
          seen.push(clock.now());
          res.writeHead(200).end();
        });
        await endpoint(node, { name: 'limited', url: receiver.url, subscriptions: ['*'], rate_limit: { deliveries: 5, per: '1s' } });
        const start = clock.now();
        await publishMany(node, 'metric', 20);
        await new Promise((r) => setTimeout(r, 300));
        assert.ok(receiver.requests.length <= 1, `one delivery goes at once, the rest wait for their slots; ${receiver.requests.length} went`);
        await waitUntil(async () => {
          if (receiver.requests.length >= 20) return true;
          clock.advance(100);
          return false;
        }, 30_000, '20 deliveries');
        // Slot k is 200 ms after slot k-1: the 20th cannot go before 3.8 s of the clock.
        assert.ok(seen[19] - start >= 3_800, `the 20th went ${seen[19] - start} ms in`);
        for (let k = 1; k < 20; k++) assert.ok(seen[k] - start >= k * 200, `delivery ${k + 1} went ${seen[k] - start} ms in`);
      });
    });

    test('a circuit opens after its failures: deliveries wait, one probe at a time tests it, and when it answers the queue drains', async () => {
      let healthy = false;
      await withNode(kind, {}, async ({ node, clock, receiver }) => {
        const answeredAt: number[] = [];
        receiver.respond((_req, res) => {
          answeredAt.push(clock.now());
          res.writeHead(healthy ? 200 : 500).end();
        });
        const policy = { max_attempts: 20, initial_interval: '1s', multiplier: 1 };
        await endpoint(node, { name: 'fragile', url: receiver.url, subscriptions: ['*'], retry_policy: policy, circuit_breaker: { failures: 3, probe_interval: '10s', max_probe_interval: '40s' } });
        const ids = await publishMany(node, 'job.done', 10);
        await waitUntil(async () => (await node.api('GET', '/api/v1/endpoints/fragile')).body.health.circuit === 'open', 10_000, 'the circuit to open');
        // Deliveries in flight when it opened still end; then only probes go.
        let quiet = -1;
        await waitUntil(async () => {
          const before = answeredAt.length;
          await new Promise((r) => setTimeout(r, 200));
          return answeredAt.length === before && (quiet = before) >= 0;
        }, 10_000, 'no more requests without the clock moving');
        const opened = quiet;
        assert.ok(opened >= 3 && opened <= 10, `${opened} attempts before it opened`);
        const health = (await node.api('GET', '/api/v1/endpoints/fragile')).body.health;
        assert.ok(health.failure_streak >= 3);
        // While it is open, only probes go: one per interval, the interval doubling up to 40 s.
        for (let step = 0; step < 200 && answeredAt.length < opened + 4; step++) {
          clock.advance(1_000);
          await new Promise((r) => setTimeout(r, 20));
        }
        const probesAt = answeredAt.slice(opened);
        assert.equal(probesAt.length, 4);
        const gaps = probesAt.slice(1).map((t, i) => Math.round((t - probesAt[i]) / 1000));
        const near = (gap: number, want: number) => gap >= want && gap <= want + 2;
        assert.ok(near(gaps[0], 20) && near(gaps[1], 40) && near(gaps[2], 40), `probe gaps ${gaps}`);
        const deliveries = await Promise.all(ids.map(async (id) => (await node.api('GET', `/api/v1/events/${id}`)).body.deliveries[0]));
        assert.equal(deliveries.filter((d) => d.status === 'failed').length, 0, 'none is failed while the circuit is open');
        healthy = true;
        await driveClock(clock, async () => {
          const all = await Promise.all(ids.map(async (id) => (await node.api('GET', `/api/v1/events/${id}`)).body.status));
          return all.every((s) => s === 'succeeded');
        }, 'every event delivered');
        assert.equal((await node.api('GET', '/api/v1/endpoints/fragile')).body.health.circuit, 'closed');
      });
    });

    test('an endpoint that fails every delivery for its disable_after is disabled, with the reason kept', async () => {
      await withNode(kind, {}, async ({ node, clock, receiver }) => {
        receiver.respond((_req, res) => void res.writeHead(500).end());
        const policy = { max_attempts: 100, initial_interval: '10s', multiplier: 1 };
        await endpoint(node, { name: 'dying', url: receiver.url, subscriptions: ['*'], retry_policy: policy, circuit_breaker: { failures: 1000 }, disable_after: '1m' });
        await publishMany(node, 'ping', 1);
        await driveClock(clock, async () => (await node.api('GET', '/api/v1/endpoints/dying')).body.health.state === 'disabled', 'the endpoint disabled');
        const { health } = (await node.api('GET', '/api/v1/endpoints/dying')).body;
        assert.match(health.reason, /every delivery failed for 1m/);
        assert.ok(receiver.requests.length >= 7 && receiver.requests.length <= 8, `${receiver.requests.length} attempts in a minute of 10 s retries`);
        // Disabled, its delivery is kept, neither attempted nor failed.
        const before = receiver.requests.length;
        clock.advance(60_000);
        await new Promise((r) => setTimeout(r, 200));
        assert.equal(receiver.requests.length, before);
      });
    });

    test("an endpoint's filter keeps the events its payload expression rejects from it", async () => {
      await withNode(kind, {}, async ({ node, receiver }) => {
        await endpoint(node, { name: 'big', url: `${receiver.url}/big`, subscriptions: ['order.*'], filter: "payload.amount > 100 && payload.currency == 'EUR'" });
        await endpoint(node, { name: 'all', url: `${receiver.url}/all`, subscriptions: ['order.*'] });
        const bad = await node.api('POST', '/api/v1/endpoints', { name: 'broken', url: receiver.url, filter: 'payload.amount >' });
        assert.deepEqual([bad.status, bad.body.error.field], [400, 'filter']);
        for (const [amount, currency] of [[50, 'EUR'], [500, 'EUR'], [500, 'USD'], [101, 'EUR']] as const) {
          assert.equal((await node.api('POST', '/api/v1/events', { type: 'order.created', payload: { amount, currency } })).status, 202);
        }
        await receiver.waitFor(6);
        await new Promise((r) => setTimeout(r, 200));
        const big = receiver.requests.filter((r) => r.path === '/big').map((r) => JSON.parse(r.body).amount).sort((a, b) => a - b);
        assert.deepEqual(big, [101, 500]);
        assert.equal(receiver.requests.filter((r) => r.path === '/all').length, 4);
      });
    });
  });
}
