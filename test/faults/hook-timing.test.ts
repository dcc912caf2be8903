import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, test } from 'node:test';
import { startNode } from '../support/harness.js';
import { createJob } from '../support/jobs.js';
import { KEY, hookUrl } from '../support/hooks.js';
import { STORE_KINDS } from '../support/stores.js';

const SAMPLES = 500;
/** Before hooks were found by the digest of their URL, a wrong key on a real job was 100-200 µs slower than an unknown job. */
const TOLERANCE_US = 60;

/** One POST over a kept-alive connection; resolves with its status and how long it took, in µs. */
function timedPost(agentPort: number, path: string, agent: import('node:http').Agent): Promise<{ status: number; us: number }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = request({ host: '127.0.0.1', port: agentPort, path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': 2 } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, us: Number(process.hrtime.bigint() - started) / 1000 }));
    });
    req.on('error', reject);
    req.end('{}');
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

for (const kind of STORE_KINDS) {
  describe(`hook URLs: ${kind.name}`, () => {
    test('a wrong namespace, job or key is the same 404 after the same work: their timings do not differ', async () => {
      const db = kind.create();
      const node = await startNode(db);
      const { Agent } = await import('node:http');
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        await createJob(node, { id: 'real', triggers: [{ type: 'webhook', key: KEY }], webhook: { url: 'http://127.0.0.1:9/' } });
        const port = Number(new URL(node.url).port);
        const wrong = {
          namespace: hookUrl('nowhere', 'real'),
          job: hookUrl('default', 'no-such-job'),
          key: hookUrl('default', 'real', 'wrongwrongwrongwrongwr'),
        };
        const times: Record<string, number[]> = { namespace: [], job: [], key: [] };
        for (let i = 0; i < 50; i++) for (const path of Object.values(wrong)) await timedPost(port, path, agent); // warm-up
        const parts = Object.entries(wrong);
        for (let i = 0; i < SAMPLES; i++) {
          // Each round in another order, so no part always comes first (or after the same one).
          for (const [part, path] of parts.map((p, j) => parts[(i + j) % parts.length])) {
            const { status, us } = await timedPost(port, path, agent);
            assert.equal(status, 404);
            times[part].push(us);
          }
        }
        const medians = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
        const spread = Math.max(...Object.values(medians)) - Math.min(...Object.values(medians));
        assert.ok(spread < TOLERANCE_US, `median 404 times differ by ${spread.toFixed(0)} µs: ${JSON.stringify(medians)}`);
      } finally {
        agent.destroy();
        await node.close();
        await db.drop();
      }
    });
  });
}
