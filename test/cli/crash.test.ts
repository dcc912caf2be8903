import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { killAll, spawnServe, type NodeProcess } from '../support/process.js';
import { startReceiver } from '../support/receiver.js';
import { STORE_KINDS } from '../support/stores.js';
import { waitUntil } from '../support/wait.js';

const EXECUTIONS = 20;
const SECRET = 'whsec_' + Buffer.from('crash-test-signing-secret-32byte').toString('base64');

/** A node's arguments and environment on a fresh database of `kind`, with short leases; `cleanUp` removes it. */
function crashSetup(kind: (typeof STORE_KINDS)[number]) {
  const db = kind.create();
  const dir = mkdtempSync(join(tmpdir(), 'hookline-crash-'));
  const config = join(dir, 'hookline.yaml');
  // Short leases so that PostgreSQL's lapse quickly; SQLite recovers its orphans at start-up anyway.
  writeFileSync(config, `worker:\n  lease_margin: 300ms\n  concurrency: 8\n${db.schema ? `database_schema: ${db.schema}\n` : ''}`);
  return {
    args: ['--config', config, ...(db.file ? ['--db', db.file] : [])],
    env: db.file ? {} : { DATABASE_URL: db.database },
    cleanUp: async () => {
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

for (const kind of STORE_KINDS) {
  describe(`crash safety: ${kind.name}`, () => {
    test('kill -9 mid-execution: after a restart every notification is delivered', async () => {
      const { args, env, cleanUp } = crashSetup(kind);
      let holding = true;
      const receiver = await startReceiver((req, res) => (holding && req.path !== '/a' ? new Promise(() => {}) : void res.writeHead(200).end()));
      const nodes: NodeProcess[] = [];
      try {
        const first = await spawnServe(args, env);
        nodes.push(first);
        const tasks = [{ name: 'a', webhook: { url: `${receiver.url}/a` } }, { name: 'b', depends_on: ['a'], webhook: { url: `${receiver.url}/b`, timeout: '1s' } }];
        const notify = [{ url: `${receiver.url}/notify`, on: ['task.succeeded', 'execution.succeeded'] }];
        await first.api('POST', '/api/v1/jobs', { id: 'dag', tasks, notify, retry_policy: { max_attempts: 10, initial_interval: '100ms' } });
        const ids: string[] = [];
        for (let i = 0; i < 4; i++) ids.push((await first.api('POST', '/api/v1/jobs/dag/trigger', { i })).body.id);
        // Every a has succeeded and b is in flight; the notifications of a are rows, some in flight too.
        await waitUntil(() => receiver.requests.filter((r) => r.path === '/b').length >= 4, 10_000, 'every b in flight');
        await killAll([first]);
        holding = false;

        const second = await spawnServe(args, env);
        nodes.push(second);
        const delivered = () => new Set(receiver.requests.filter((r) => r.path === '/notify').map((r) => `${JSON.parse(r.body).executionId} ${JSON.parse(r.body).event} ${JSON.parse(r.body).taskName}`));
        await waitUntil(() => delivered().size === ids.length * 3, 30_000, () => `every notification; have ${[...delivered()].join(', ')}`);
        for (const id of ids) {
          assert.deepEqual([...delivered()].filter((d) => d.startsWith(id)).sort(), [`${id} execution.succeeded null`, `${id} task.succeeded a`, `${id} task.succeeded b`]);
        }
      } finally {
        await killAll(nodes);
        await receiver.close();
        await cleanUp();
      }
    });

    test('kill -9 with calls in flight: after a restart every execution ends, repeats carrying the same ids', async () => {
      const { args, env, cleanUp } = crashSetup(kind);
      let holding = true;
      const receiver = await startReceiver((_req, res) => (holding ? new Promise(() => {}) : void res.writeHead(200).end()));
      const nodes: NodeProcess[] = [];
      try {
        const first = await spawnServe(args, env);
        nodes.push(first);
        await first.api('POST', '/api/v1/jobs', { id: 'crash', webhook: { url: receiver.url, timeout: '1s', signing_secret: SECRET }, retry_policy: { max_attempts: 10, initial_interval: '100ms' } });
        const ids: string[] = [];
        for (let i = 0; i < EXECUTIONS; i++) ids.push((await first.api('POST', '/api/v1/jobs/crash/trigger', { i })).body.id);
        await receiver.waitFor(8);
        first.child.kill('SIGKILL');
        await first.exited;
        holding = false;

        const second = await spawnServe(args, env);
        nodes.push(second);
        const statuses = async () => Promise.all(ids.map(async (id) => (await second.api('GET', `/api/v1/jobs/crash/executions/${id}`)).body.status));
        await waitUntil(async () => (await statuses()).every((s) => s === 'succeeded'), 30_000, 'every execution to succeed');

        const byExecution = new Map<string, Set<string>>();
        for (const r of receiver.requests) {
          const id = r.headers['x-hookline-execution-id'];
          if (!byExecution.has(id)) byExecution.set(id, new Set());
          byExecution.get(id)!.add(r.headers['webhook-id']);
        }
        assert.deepEqual([...byExecution.keys()].sort(), [...ids].sort(), 'every execution was delivered, and nothing else');
        for (const [id, messageIds] of byExecution) assert.deepEqual([...messageIds], [`msg_${id}`], 'a repeat carries the same webhook-id');
        assert.ok(receiver.requests.length > EXECUTIONS, 'the calls in flight at the kill were made again (at least once)');
      } finally {
        await killAll(nodes);
        await receiver.close();
        await cleanUp();
      }
    });
  });
}
