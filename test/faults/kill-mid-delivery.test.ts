import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { killAll, spawnServe, type NodeProcess } from '../support/process.js';
import { startReceiver } from '../support/receiver.js';
import { STORE_KINDS } from '../support/stores.js';
import { waitUntil } from '../support/wait.js';

const EXECUTIONS = 200;
const ANSWER_MS = 3000;
const SECRET = 'whsec_' + Buffer.from('kill-mid-delivery-signing-secret').toString('base64');

for (const kind of STORE_KINDS) {
  describe(`kill -9 mid-delivery: ${kind.name}`, () => {
    test(`${EXECUTIONS} executions, a receiver answering after 3 s, the node killed with calls in flight: every execution is delivered, repeats carry the same webhook-id, nothing stays running`, { timeout: 120_000 }, async () => {
      const db = kind.create();
      const dir = mkdtempSync(join(tmpdir(), 'hookline-kill-'));
      const config = join(dir, 'hookline.yaml');
      writeFileSync(config, `worker:\n  lease_margin: 1s\n  concurrency: 256\n${db.schema ? `database_schema: ${db.schema}\n` : ''}`);
      const args = ['--config', config, ...(db.file ? ['--db', db.file] : [])];
      const env = db.file ? {} : { DATABASE_URL: db.database };
      const receiver = await startReceiver((_req, res) => new Promise((resolve) => setTimeout(() => resolve(void (res.destroyed || res.writeHead(200).end())), ANSWER_MS)));
      const nodes: NodeProcess[] = [];
      try {
        const first = await spawnServe(args, env);
        nodes.push(first);
        const job = { id: 'kill', webhook: { url: receiver.url, timeout: '10s', signing_secret: SECRET }, retry_policy: { max_attempts: 10, initial_interval: '100ms' } };
        assert.equal((await first.api('PUT', '/api/v1/jobs/kill', job)).status, 201);
        const ids = await Promise.all(Array.from({ length: EXECUTIONS }, async (_, i) => (await first.api('POST', '/api/v1/jobs/kill/trigger', { i })).body.id as string));
        await receiver.waitFor(EXECUTIONS / 2, 15_000);
        await killAll([first]);
        const receivedBeforeKill = receiver.requests.length;

        const second = await spawnServe(args, env);
        nodes.push(second);
        const executions = async () => Promise.all(ids.map(async (id) => (await second.api('GET', `/api/v1/jobs/kill/executions/${id}`)).body));
        await waitUntil(async () => (await executions()).every((e) => e.status === 'succeeded'), 60_000, 'every execution to succeed');

        const byExecution = new Map<string, Set<string>>();
        for (const r of receiver.requests) {
          const id = r.headers['x-hookline-execution-id'];
          byExecution.set(id, (byExecution.get(id) ?? new Set()).add(r.headers['webhook-id']));
        }
        assert.deepEqual([...byExecution.keys()].sort(), [...ids].sort(), 'every execution reached the receiver, and nothing else did');
        for (const [id, messageIds] of byExecution) assert.deepEqual([...messageIds], [`msg_${id}`], 'a repeat carries the same webhook-id');
        assert.ok(receiver.requests.length > receivedBeforeKill, 'the calls cut off by the kill were made again');
        for (const e of await executions()) {
          assert.deepEqual(e.tasks.map((t: { status: string }) => t.status), ['succeeded'], `execution ${e.id} has nothing left running`);
        }
      } finally {
        await killAll(nodes);
        await receiver.close();
        await db.drop();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
