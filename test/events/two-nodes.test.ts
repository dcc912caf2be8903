import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ManualClock, systemClock } from '../../src/clock.js';
import { startNode, type Running } from '../support/harness.js';
import { startReceiver } from '../support/receiver.js';
import { STORE_KINDS } from '../support/stores.js';
import { waitUntil } from '../support/wait.js';

const postgres = STORE_KINDS.find((k) => k.name === 'postgres')!;

async function publish(node: Running, seq: number): Promise<void> {
  const res = await node.api('POST', '/api/v1/events', { type: 'ledger.entry', payload: { seq } });
  assert.equal(res.status, 202, res.text);
}

/** Runs each node's worker has started by claiming them, from its metrics. */
async function claimed(node: Running): Promise<number> {
  const text = (await node.api('GET', '/metrics')).text;
  return Number(/hookline_runs_started_total\{via="claimed"\} (\d+)/.exec(text)?.[1] ?? 0);
}

describe('events across two nodes sharing PostgreSQL', () => {
  test('FIFO holds across nodes: 100 events published through both, the 10th failing twice, arrive strictly in order', async () => {
    const db = postgres.create();
    const clock = new ManualClock(Date.parse('2026-06-01T12:00:00Z'));
    let tenthFailures = 0;
    const receiver = await startReceiver((req, res) => {
      const { seq } = JSON.parse(req.body);
      if (seq === 10 && tenthFailures < 2) {
        tenthFailures++;
        return void res.writeHead(503).end();
      }
      res.writeHead(200).end();
    });
    const nodes: Running[] = [];
    try {
      nodes.push(await startNode(db, { clock }), await startNode(db, { clock }));
      const created = await nodes[0].api('POST', '/api/v1/endpoints', { name: 'ordered', url: receiver.url, subscriptions: ['ledger.*'], ordering: 'fifo', retry_policy: { max_attempts: 5, initial_interval: '1s' } });
      assert.equal(created.status, 201, created.text);
      for (let seq = 1; seq <= 100; seq++) await publish(nodes[seq % 2], seq);
      await waitUntil(() => {
        if (receiver.requests.length >= 102) return true;
        clock.advance(1_000);
        return false;
      }, 60_000, '102 requests at the receiver');
      const expected = [...Array(100).keys()].map((i) => i + 1);
      expected.splice(10, 0, 10, 10);
      assert.deepEqual(receiver.requests.map((r) => JSON.parse(r.body).seq), expected);
      assert.ok((await claimed(nodes[0])) > 0 && (await claimed(nodes[1])) > 0, 'both nodes made deliveries');
    } finally {
      for (const n of nodes) await n.close();
      await receiver.close();
      await db.drop();
    }
  });

  test('a rate limit of 10 a second holds within 10% over 30 s with two nodes making the deliveries', { timeout: 120_000 }, async () => {
    const db = postgres.create();
    const seen: number[] = [];
    const receiver = await startReceiver((_req, res) => {
      seen.push(Date.now());
      res.writeHead(200).end();
    });
    const nodes: Running[] = [];
    try {
      nodes.push(await startNode(db, { clock: systemClock }), await startNode(db, { clock: systemClock }));
      const created = await nodes[0].api('POST', '/api/v1/endpoints', { name: 'limited', url: receiver.url, subscriptions: ['*'], rate_limit: { deliveries: 10, per: '1s' } });
      assert.equal(created.status, 201, created.text);
      // More than 30 s of work, published through both nodes as fast as they take it.
      for (let seq = 1; seq <= 400; seq++) await publish(nodes[seq % 2], seq);
      await waitUntil(() => seen.length > 0 && Date.now() - seen[0] >= 31_000, 60_000, '31 s of deliveries');
      const inWindow = seen.filter((t) => t - seen[0] < 30_000).length;
      assert.ok(inWindow >= 270 && inWindow <= 330, `${inWindow} deliveries in the first 30 s at 10 a second`);
      // Any 1 s window holds at most 10 (and one more at its edge).
      for (let i = 0; i + 11 < seen.length; i++) assert.ok(seen[i + 11] - seen[i] >= 1_000, `12 deliveries within ${seen[i + 11] - seen[i]} ms`);
      assert.ok((await claimed(nodes[0])) > 0 && (await claimed(nodes[1])) > 0, 'both nodes made deliveries');
    } finally {
      for (const n of nodes) await n.close();
      await receiver.close();
      await db.drop();
    }
  });
});
