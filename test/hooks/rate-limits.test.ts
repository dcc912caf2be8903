import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { withNode } from '../support/fixture.js';
import { startNode, type Running } from '../support/harness.js';
import { createHookJob, hookUrl, invocationsOf } from '../support/hooks.js';
import { executionsOf } from '../support/schedules.js';
import { STORE_KINDS } from '../support/stores.js';

/** On a minute boundary, so that a one-minute window starts with the test. */
const START = Date.parse('2026-06-01T12:00:00Z');

async function statuses(node: Running, path: string, count: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push((await node.api('POST', path, { i })).status);
  return out;
}

const tally = (codes: number[]) => codes.reduce<Record<number, number>>((acc, c) => ({ ...acc, [c]: (acc[c] ?? 0) + 1 }), {});

for (const kind of STORE_KINDS) {
  describe(`hook rate limits: ${kind.name}`, () => {
    test('100 calls a minute per hook by default; the 101st gets 429 with Retry-After, starts nothing and is logged', async () => {
      await withNode(kind, { startAt: START }, async ({ node, clock }) => {
        const id = await createHookJob(node, { id: 'busy' });
        const url = hookUrl('default', 'busy');
        assert.deepEqual(tally(await statuses(node, url, 100)), { 200: 100 });
        clock.set(START + 45_000);
        const refused = await node.api('POST', url, {});
        assert.equal(refused.status, 429, refused.text);
        assert.equal(refused.headers.get('retry-after'), '15');
        assert.equal(refused.body.error.code, 'RATE_LIMITED');
        assert.equal((await executionsOf(node, 'busy')).length, 100);
        const [logged] = await invocationsOf(node, id);
        assert.deepEqual([logged.result, logged.status_code, logged.execution], ['rate_limited', 429, null]);
        assert.match(logged.reason, /100 calls per 1m for this hook/);
        clock.set(START + 60_000);
        assert.equal((await node.api('POST', url, {})).status, 200, 'a new window');
      });
    });

    test("a trigger's own rate_limit, and the namespace's limit shared by its hooks", async () => {
      await withNode(kind, { startAt: START, config: { hooks: { rate_limit: { per_namespace: 5 } } } }, async ({ node, clock }) => {
        await createHookJob(node, { id: 'own', namespace: 'tight' }, { rate_limit: { requests: 2, per: '10s' } });
        assert.deepEqual(await statuses(node, hookUrl('tight', 'own'), 3), [200, 200, 429]);
        clock.set(START + 10_000);
        assert.deepEqual(await statuses(node, hookUrl('tight', 'own'), 1), [200]);

        await createHookJob(node, { id: 'a', namespace: 'team' });
        await createHookJob(node, { id: 'b', namespace: 'team' });
        await createHookJob(node, { id: 'c', namespace: 'elsewhere' });
        assert.deepEqual(await statuses(node, hookUrl('team', 'a'), 3), [200, 200, 200]);
        const b = await statuses(node, hookUrl('team', 'b'), 3);
        assert.deepEqual(b, [200, 200, 429]);
        const refused = await node.api('POST', hookUrl('team', 'b'), {});
        assert.match(refused.body.error.message, /namespace team/);
        assert.deepEqual(await statuses(node, hookUrl('elsewhere', 'c'), 2), [200, 200]);
        assert.equal((await executionsOf(node, 'b')).length, 2, 'a refused call gives back what it took of its hook limit');
      });
    });

    test('calls arriving together are counted exactly', async () => {
      await withNode(kind, { startAt: START }, async ({ node }) => {
        await createHookJob(node, { id: 'burst' }, { rate_limit: { requests: 20, per: '1m' } });
        const codes = await Promise.all(Array.from({ length: 50 }, () => node.api('POST', hookUrl('default', 'burst'), {}).then((r) => r.status)));
        assert.deepEqual(tally(codes), { 200: 20, 429: 30 });
        assert.equal((await executionsOf(node, 'burst')).length, 20);
      });
    });

    test('bad rate limits are refused naming the field', async () => {
      await withNode(kind, {}, async ({ node }) => {
        for (const [rate_limit, field] of [
          [{ requests: 0, per: '1m' }, 'triggers.0.rate_limit.requests'],
          [{ requests: 5, per: '2d' }, 'triggers.0.rate_limit.per'],
          [{ requests: 5 }, 'triggers.0.rate_limit.per'],
        ] as const) {
          const res = await node.api('POST', '/api/v1/jobs', { id: 'bad', triggers: [{ type: 'webhook', rate_limit }], webhook: { url: 'http://127.0.0.1:9/' } });
          assert.deepEqual([res.status, res.body.error.field], [400, field], res.text);
        }
      });
    });
  });
}

describe('hook rate limits: two nodes sharing PostgreSQL', () => {
  const postgres = STORE_KINDS.find((k) => k.name === 'postgres')!;
  test('a limit holds across nodes: calls split between them are counted together', async () => {
    await withNode(postgres, { startAt: START }, async ({ db, node, clock }) => {
      const other = await startNode(db, { clock });
      try {
        await createHookJob(node, { id: 'shared' }, { rate_limit: { requests: 30, per: '1m' } });
        const url = hookUrl('default', 'shared');
        const codes = await Promise.all(Array.from({ length: 80 }, (_, i) => (i % 2 ? node : other).api('POST', url, { i }).then((r) => r.status)));
        assert.deepEqual(tally(codes), { 200: 30, 429: 50 });
        assert.equal((await executionsOf(node, 'shared')).length, 30);
      } finally {
        await other.close();
      }
    });
  });
});
