import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { spawn } from 'node:child_process';
import { probeHealth } from '../support/health-probe.js';
import { spawnServe, type NodeProcess } from '../support/process.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { STORE_KINDS, type TestDatabase } from '../support/stores.js';

/** A held event loop shows as a slow /healthz (the node runs in a process of its own); the threads share two cores with it. */
const HEALTH_LIMIT_MS = 1000;
/** condition_timeout below, and what publishing may take at most: a thread's deadline, its restart, and a turn. */
const TIMEOUT_MS = 500;
const PUBLISH_BOUND_MS = 4 * TIMEOUT_MS + 2000;

/** `a_n = {allOf: [{$ref: a_(n-1)}, {$ref: a_(n-1)}]}`: each link doubles the cost of checking `{}`. */
function doublingSchema(n: number) {
  const defs: Record<string, unknown> = { a0: { type: 'object' } };
  for (let i = 1; i <= n; i++) defs[`a${i}`] = { allOf: [{ $ref: `#/$defs/a${i - 1}` }, { $ref: `#/$defs/a${i - 1}` }] };
  return { $defs: defs, $ref: `#/$defs/a${n}` };
}

async function post(node: NodeProcess, path: string, body: unknown, method = 'POST') {
  const started = performance.now();
  const res = await fetch(node.url + path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, ms: performance.now() - started };
}

for (const kind of STORE_KINDS) {
  describe(`costly schemas and filters never hold the event loop: ${kind.name}`, () => {
    let db: TestDatabase;
    let dir: string;
    let node: NodeProcess;
    let receiver: Receiver;
    before(async () => {
      db = kind.create();
      dir = mkdtempSync(join(tmpdir(), 'hookline-costly-'));
      const config = join(dir, 'hookline.yaml');
      writeFileSync(config, `hooks:\n  condition_timeout: ${TIMEOUT_MS}ms\n${db.schema ? `database_schema: ${db.schema}\n` : ''}`);
      receiver = await startReceiver();
      node = await spawnServe(['--db', db.database, '--config', config]);
    });
    after(async () => {
      node.child.kill('SIGTERM');
      await node.exited;
      await receiver.close();
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    test('a schema whose cost doubles along its $refs is refused when saved, naming schema; so are dynamic references', async () => {
      const probe = probeHealth(node.url);
      const doubling = await post(node, '/api/v1/event-types/doubling.x', { schema: doublingSchema(28) }, 'PUT');
      const dynamic = await post(node, '/api/v1/event-types/dynamic.x', { schema: { $dynamicAnchor: 'x', $dynamicRef: '#x' } }, 'PUT');
      const recursive = await post(node, '/api/v1/event-types/recursive.x', { schema: { allOf: [{ $ref: '#' }] } }, 'PUT');
      const { slowestMs } = await probe.stop();
      assert.equal(doubling.status, 400);
      assert.equal(doubling.body.error.field, 'schema');
      assert.match(doubling.body.error.message, /more than 2000 subschemas/);
      assert.equal(dynamic.status, 400);
      assert.match(dynamic.body.error.field, /^schema\.\$dynamic(Anchor|Ref)$/);
      assert.equal(recursive.status, 400);
      assert.match(recursive.body.error.message, /recursive/);
      assert.equal((await post(node, '/api/v1/events', { type: 'doubling.x', payload: {} })).status, 202, 'nothing was saved: the type has no schema');
      assert.ok(slowestMs < HEALTH_LIMIT_MS, `/healthz took ${slowestMs} ms`);
    });

    test('a schema inside the bound over a large payload is checked on a thread: the node keeps answering', async () => {
      const schema = { type: 'object', properties: { l: { type: 'array', items: { allOf: Array.from({ length: 1500 }, (_, i) => ({ type: 'number', minimum: -i })) } } } };
      const saved = await post(node, '/api/v1/event-types/wide.x', { schema }, 'PUT');
      assert.equal(saved.status, 201, JSON.stringify(saved.body));
      const probe = probeHealth(node.url);
      const big = await post(node, '/api/v1/events', { type: 'wide.x', payload: { l: Array.from({ length: 100_000 }, () => 1) } });
      const wrong = await post(node, '/api/v1/events', { type: 'wide.x', payload: { l: [1, 'two'] } });
      const { slowestMs, failures } = await probe.stop();
      // Either checked within the deadline, or refused for taking longer: never answered by a held node.
      assert.ok(big.status === 202 || (big.status === 400 && /could not be checked/.test(big.body.error.message)), JSON.stringify(big.body));
      assert.ok(big.ms < PUBLISH_BOUND_MS, `answered after ${big.ms.toFixed(0)} ms`);
      assert.deepEqual([wrong.status, wrong.body.error.field], [400, 'payload.l.1']);
      assert.equal(failures, 0);
      assert.ok(slowestMs < HEALTH_LIMIT_MS, `/healthz took ${slowestMs} ms`);
    });

    test('a schema with an $id can be edited keeping it, and another type may use the same $id', async () => {
      const schema = (max: number) => ({ $id: 'https://example.com/order.json', type: 'object', properties: { n: { type: 'number', maximum: max } } });
      assert.equal((await post(node, '/api/v1/event-types/order.a', { schema: schema(10) }, 'PUT')).status, 201);
      assert.equal((await post(node, '/api/v1/event-types/order.a', { schema: schema(20) }, 'PUT')).status, 200);
      assert.equal((await post(node, '/api/v1/event-types/order.b', { schema: schema(5) }, 'PUT')).status, 201);
      for (let i = 0; i < 300; i++) assert.equal((await post(node, `/api/v1/event-types/churn.t${i % 3}`, { schema: { type: 'object', minProperties: i % 7, $comment: `edit ${i}` } }, 'PUT')).status < 300, true);
      assert.deepEqual((await post(node, '/api/v1/events', { type: 'order.a', payload: { n: 15 } })).status, 202);
      assert.deepEqual((await post(node, '/api/v1/events', { type: 'order.a', payload: { n: 25 } })).status, 400);
      assert.deepEqual((await post(node, '/api/v1/events', { type: 'order.b', payload: { n: 6 } })).status, 400);
    });

    test('a filter that grows with the payload runs on a thread; past its deadline the event says which endpoint and why', async () => {
      const terms = Array.from({ length: 60 }, () => 'payload.l').join(' + ');
      const ep = await post(node, '/api/v1/endpoints', { name: `concat-${kind.name}`, namespace: 'heavy', url: receiver.url, subscriptions: ['list.*'], filter: `2 in (${terms})` });
      assert.equal(ep.status, 201, JSON.stringify(ep.body));
      const probe = probeHealth(node.url);
      const published = await post(node, '/api/v1/events', { type: 'list.big', namespace: 'heavy', payload: { l: Array.from({ length: 100_000 }, (_, i) => i + 10) } });
      const { slowestMs, failures } = await probe.stop();
      assert.equal(published.status, 202);
      assert.ok(published.ms < PUBLISH_BOUND_MS, `answered after ${published.ms.toFixed(0)} ms`);
      assert.equal(failures, 0);
      assert.ok(slowestMs < HEALTH_LIMIT_MS, `/healthz took ${slowestMs} ms`);
      const event = await fetch(`${node.url}/api/v1/events/${published.body.id}?namespace=heavy`).then((r) => r.json());
      assert.deepEqual(event.deliveries, []);
      assert.deepEqual(event.filter_errors.map((f: { endpoint: string }) => f.endpoint), [`concat-${kind.name}`]);
      assert.match(event.filter_errors[0].error, /could not be evaluated: took longer than 500 ms/);
    });

    test("one namespace's costly filters do not starve another's: five heavy endpoints, and a hook call elsewhere answers", async () => {
      const triple = 'payload.l.exists(a, payload.l.exists(b, payload.l.exists(c, a + b + c == -1)))';
      for (let i = 0; i < 5; i++) {
        assert.equal((await post(node, '/api/v1/endpoints', { name: `triple-${kind.name}-${i}`, namespace: 'crowded', url: receiver.url, subscriptions: ['crowd.*'], filter: triple })).status, 201);
      }
      const job = { namespace: 'quiet', webhook: { url: receiver.url }, triggers: [{ type: 'webhook', key: 'quiet-key-0123456789', conditions: ["trigger.body.s.matches('^ok')"] }] };
      assert.equal((await post(node, '/api/v1/jobs/quiet-job', job, 'PUT')).status, 201);
      const payload = { l: Array.from({ length: 400 }, (_, i) => i) };
      const probe = probeHealth(node.url);
      const crowd = Promise.all(Array.from({ length: 4 }, () => post(node, '/api/v1/events', { type: 'crowd.x', namespace: 'crowded', payload })));
      await new Promise((r) => setTimeout(r, 100));
      const hook = await post(node, '/api/v1/executions/webhook/quiet/quiet-job/quiet-key-0123456789', { s: 'ok' });
      const published = await crowd;
      const { slowestMs, failures } = await probe.stop();
      assert.equal(hook.status, 200, JSON.stringify(hook.body));
      // Behind at most one task per thread (each cut at its deadline), never behind the whole crowd (four publishes of five filters).
      assert.ok(hook.ms < 2 * TIMEOUT_MS + 2500, `the hook call in another namespace waited ${hook.ms.toFixed(0)} ms`);
      for (const p of published) {
        // Refused at once once the namespace has too many waiting, else judged within the bound.
        assert.ok(p.status === 202, JSON.stringify(p.body));
        assert.ok(p.ms < PUBLISH_BOUND_MS, `a publish answered after ${p.ms.toFixed(0)} ms`);
        const event = await fetch(`${node.url}/api/v1/events/${p.body.id}?namespace=crowded`).then((r) => r.json());
        assert.equal(event.deliveries.length + event.filter_errors.length, 5, JSON.stringify(event.filter_errors));
      }
      assert.equal(failures, 0);
      assert.ok(slowestMs < HEALTH_LIMIT_MS, `/healthz took ${slowestMs} ms`);
    });
  });
}

describe('schemas compiled for event types are not kept without bound', () => {
  test('1,500 distinct 15 KB schemas, some sharing an $id, compile and check in a heap of 96 MB', async () => {
    // V8 keeps what it may drop until memory runs short, so the heap is capped rather than measured:
    // one Ajv keeping every schema it compiled (about 0.5 MB each here) runs out of it long before the end.
    const script = `
      import { payloadProblem } from ${JSON.stringify(new URL('../../src/evaluation/payload-schemas.ts', import.meta.url).href)};
      const schemaOf = (i) => JSON.stringify({ $id: 'https://example.com/s' + (i % 3) + '.json', type: 'object', properties: Object.fromEntries(Array.from({ length: 150 }, (_, k) => ['field_' + i + '_' + k, { type: 'string', maxLength: 100 + k, description: 'x'.repeat(40) }])) });
      for (let i = 1; i <= 1500; i++) if (payloadProblem('grow', schemaOf(i), { ['field_' + i + '_0']: 'ok' }) !== undefined) throw new Error('refused ' + i);
      console.log('compiled 1500');
    `;
    const child = spawn(process.execPath, ['--max-old-space-size=96', '--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 0, out.slice(-2000));
    assert.match(out, /compiled 1500/);
  });
});
