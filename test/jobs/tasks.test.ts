import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { withNode } from '../support/fixture.js';
import { createJob, getExecution, trigger, waitForExecution } from '../support/jobs.js';
import type { Received, Receiver } from '../support/receiver.js';
import { STORE_KINDS } from '../support/stores.js';
import { waitUntil } from '../support/wait.js';

const NO_RETRY = { max_attempts: 1 };
const task = (receiver: Receiver, name: string, depends_on: string[] = [], extra: Record<string, unknown> = {}) => ({
  name,
  depends_on,
  webhook: { url: `${receiver.url}/${name}`, ...extra },
});
const at = (received: Received[], path: string) => received.filter((r) => r.path === path);

for (const kind of STORE_KINDS) {
  describe(`tasks: ${kind.name}`, () => {
    test('independent tasks run at the same time; a diamond runs its last task once, after both branches', async () => {
      await withNode(kind, {}, async ({ node, receiver }) => {
        const arrived = new Set<string>();
        const answered: Record<string, number> = {};
        receiver.respond(async (req, res) => {
          arrived.add(req.path);
          // B and C answer only once both have arrived: run one after the other, they never would.
          if (req.path === '/b' || req.path === '/c') await waitUntil(() => arrived.has('/b') && arrived.has('/c'), 5_000, 'B and C at once');
          answered[req.path] = Date.now();
          res.writeHead(200).end('ok');
        });
        const tasks = [task(receiver, 'a'), task(receiver, 'b', ['a']), task(receiver, 'c', ['a']), task(receiver, 'd', ['b', 'c'])];
        await createJob(node, { id: 'diamond', retry_policy: NO_RETRY, tasks });
        const id = await trigger(node, 'diamond');
        const execution = await waitForExecution(node, 'diamond', id);
        assert.equal(execution.status, 'succeeded', JSON.stringify(execution.tasks));
        assert.deepEqual(execution.tasks.map((t: any) => [t.name, t.status, t.attempts]), [['a', 'succeeded', 1], ['b', 'succeeded', 1], ['c', 'succeeded', 1], ['d', 'succeeded', 1]]);
        assert.equal(at(receiver.requests, '/d').length, 1);
        const d = receiver.requests.find((r) => r.path === '/d')!;
        assert.ok(d.n > receiver.requests.find((r) => r.path === '/b')!.n && d.n > receiver.requests.find((r) => r.path === '/c')!.n);
        assert.ok(answered['/d'] >= Math.max(answered['/b'], answered['/c']));
      });
    });

    test("later tasks see earlier results: {{ outputs.<task>.status_code }}, .headers and .body parsed when JSON", async () => {
      await withNode(kind, {}, async ({ node, receiver }) => {
        receiver.respond((req, res) => {
          if (req.path === '/login') return void res.writeHead(201, { 'content-type': 'application/json', 'x-request-id': 'r-17' }).end('{"token": "t0k3n", "n": 2}');
          res.writeHead(200).end('done');
        });
        const body = '{"code": {{ outputs.login.status_code }}, "token": "{{ outputs.login.body.token }}", "n": {{ outputs.login.body.n }}, "rid": "{{ outputs.login.headers[\'x-request-id\'] }}"}';
        await createJob(node, { id: 'chain', tasks: [task(receiver, 'login'), task(receiver, 'use', ['login'], { body })] });
        const id = await trigger(node, 'chain');
        assert.equal((await waitForExecution(node, 'chain', id)).status, 'succeeded');
        assert.deepEqual(JSON.parse(at(receiver.requests, '/use')[0].body), { code: 201, token: 't0k3n', n: 2, rid: 'r-17' });
      });
    });

    test('a task failing for good skips what depends on it and fails the execution; independent tasks still run', async () => {
      await withNode(kind, {}, async ({ node, receiver }) => {
        receiver.respond((req, res) => void res.writeHead(req.path === '/a' ? 400 : 200).end());
        const tasks = [task(receiver, 'a'), task(receiver, 'b', ['a']), task(receiver, 'c', ['b']), task(receiver, 'other')];
        await createJob(node, { id: 'broken', retry_policy: NO_RETRY, tasks });
        const id = await trigger(node, 'broken');
        const execution = await waitForExecution(node, 'broken', id);
        assert.equal(execution.status, 'failed');
        assert.deepEqual(execution.tasks.map((t: any) => [t.name, t.status]), [['a', 'failed'], ['b', 'skipped'], ['c', 'skipped'], ['other', 'succeeded']]);
        assert.deepEqual(receiver.requests.map((r) => r.path).sort(), ['/a', '/other']);
        assert.equal(execution.tasks[0].last_error, 'HTTP 400');
        assert.deepEqual(execution.attempt_log.map((a: any) => a.task).sort(), ['a', 'other']);
      });
    });

    test('retry runs the failed and skipped tasks of a finished execution again, keeping the succeeded ones', async () => {
      await withNode(kind, {}, async ({ node, receiver }) => {
        let healthy = false;
        receiver.respond((req, res) => void res.writeHead(req.path === '/b' && !healthy ? 500 : 200).end());
        await createJob(node, { id: 'again', retry_policy: NO_RETRY, tasks: [task(receiver, 'a'), task(receiver, 'b', ['a']), task(receiver, 'c', ['b'])] });
        const id = await trigger(node, 'again');
        assert.equal((await waitForExecution(node, 'again', id)).status, 'failed');
        healthy = true;
        const retried = await node.api('POST', `/api/v1/jobs/again/executions/${id}/retry`);
        assert.equal(retried.status, 202, retried.text);
        const execution = await waitForExecution(node, 'again', id);
        assert.equal(execution.status, 'succeeded');
        assert.deepEqual(execution.tasks.map((t: any) => [t.name, t.status, t.attempts]), [['a', 'succeeded', 1], ['b', 'succeeded', 2], ['c', 'succeeded', 1]]);
        assert.deepEqual(receiver.requests.map((r) => r.path), ['/a', '/b', '/b', '/c'], 'a is not called again');
        const nothing = await node.api('POST', `/api/v1/jobs/again/executions/${id}/retry`);
        assert.deepEqual([nothing.status, nothing.body.error.code], [409, 'CONFLICT']);
        assert.equal((await node.api('POST', '/api/v1/jobs/again/executions/nope/retry')).status, 404);
      });
    });

    test('an execution still running cannot be retried', async () => {
      await withNode(kind, {}, async ({ node, receiver }) => {
        let release!: () => void;
        const held = new Promise<void>((r) => (release = r));
        receiver.respond((_req, res) => held.then(() => void res.writeHead(200).end()));
        await createJob(node, { id: 'busy', timeout: '1m', tasks: [task(receiver, 'slow')] });
        const id = await trigger(node, 'busy');
        await receiver.waitFor(1);
        assert.equal((await node.api('POST', `/api/v1/jobs/busy/executions/${id}/retry`)).status, 409);
        assert.equal((await getExecution(node, 'busy', id)).tasks[0].status, 'running');
        // The call ends, so the node stops without waiting for it.
        release();
        await waitForExecution(node, 'busy', id);
      });
    });

    test('a scheduled job with tasks runs its graph at each tick', async () => {
      await withNode(kind, {}, async ({ node, clock, receiver }) => {
        const tasks = [task(receiver, 'first'), task(receiver, 'second'), task(receiver, 'last', ['first', 'second'])];
        await createJob(node, { id: 'nightly', schedule: { every: '1m' }, tasks });
        clock.advance(60_000);
        await receiver.waitFor(3);
        await waitUntil(async () => (await node.api('GET', '/api/v1/jobs/nightly/executions')).body.items[0]?.status === 'succeeded');
        assert.equal(receiver.requests[2].path, '/last');
      });
    });

    test('bad task lists are refused naming the task or field', async () => {
      await withNode(kind, {}, async ({ node, receiver }) => {
        const cases: Array<[Record<string, unknown>, string]> = [
          [{ tasks: [task(receiver, 'a', ['b']), task(receiver, 'b', ['a'])] }, 'tasks.0.depends_on'],
          [{ tasks: [task(receiver, 'a'), task(receiver, 'b', ['nope'])] }, 'tasks.1.depends_on.0'],
          [{ tasks: [task(receiver, 'a'), task(receiver, 'a')] }, 'tasks.1.name'],
          [{ tasks: [task(receiver, 'a', ['a'])] }, 'tasks.0.depends_on.0'],
          [{ tasks: [task(receiver, 'a')], webhook: { url: receiver.url } }, 'tasks'],
          [{}, 'webhook'],
          [{ tasks: [task(receiver, 'a'), task(receiver, 'b', [], { body: '{"x": "{{ outputs.a.body }}"}' })] }, 'tasks.1.webhook.body'],
          [{ tasks: [{ name: 'a', webhook: { endpoint: 'missing' } }] }, 'tasks.0.webhook.endpoint'],
          [{ tasks: [{ name: 'has space', webhook: { url: receiver.url } }] }, 'tasks.0.name'],
          [{ tasks: [{ name: 'a' }] }, 'tasks.0.webhook'],
        ];
        for (const [body, field] of cases) {
          const res = await node.api('POST', '/api/v1/jobs', { id: 'bad', ...body });
          assert.deepEqual([res.status, res.body?.error?.field], [400, field], `${JSON.stringify(body)}: ${res.text}`);
        }
      });
    });
  });
}
