import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { localPortsOf, killAll, spawnServe, type NodeProcess } from '../support/process.js';
import { startReceiver } from '../support/receiver.js';
import { STORE_KINDS } from '../support/stores.js';
import { waitUntil } from '../support/wait.js';

const postgres = STORE_KINDS.find((k) => k.name === 'postgres')!;
const SECOND = 1000;
/** How long each phase watches a job that fires every second. */
const PHASE_MS = 60 * SECOND;
/** How long the receiver takes to answer, so that every node has calls in flight at any moment. */
const ANSWER_MS = 1500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every scheduled execution of `jobId`, read through `node`, oldest tick first. */
async function scheduled(node: NodeProcess, jobId: string): Promise<Array<{ id: string; status: string; attempts: number; scheduled_time: string }>> {
  const all: any[] = [];
  let cursor: string | null = null;
  do {
    const res = await node.api('GET', `/api/v1/jobs/${jobId}/executions?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
    all.push(...res.body.items);
    cursor = res.body.next_cursor;
  } while (cursor);
  return all.filter((e) => e.trigger.type === 'schedule').sort((a, b) => a.scheduled_time.localeCompare(b.scheduled_time));
}

/** The ticks from `from` to `to` (whole seconds, both included) each have exactly one execution. */
function assertOnePerTick(executions: Array<{ scheduled_time: string }>, from: number, to: number): void {
  const times = executions.map((e) => Date.parse(e.scheduled_time)).filter((t) => t >= from && t <= to);
  const expected = Array.from({ length: (to - from) / SECOND + 1 }, (_, i) => from + i * SECOND);
  const iso = (ts: number[]) => ts.map((t) => new Date(t).toISOString());
  assert.deepEqual(iso(times), iso(expected), 'one execution per tick, no gaps, no repeats');
}

describe('schedules across nodes sharing PostgreSQL', () => {
  test('two nodes fire a per-second job once per tick, also when the one making calls is killed with -9', { timeout: 300_000 }, async () => {
    const db = postgres.create();
    const dir = mkdtempSync(join(tmpdir(), 'hookline-nodes-'));
    const config = join(dir, 'hookline.yaml');
    writeFileSync(config, `database_schema: ${db.schema}\nworker:\n  lease_margin: 1s\n`);
    const env = { DATABASE_URL: db.database };
    const lost = new Set<string>();
    /** Calls being answered: when each arrived, by the client port that tells which node made it. */
    const answering = new Map<number, number>();
    const receiver = await startReceiver(async (req, res) => {
      const port = res.socket?.remotePort ?? 0;
      answering.set(port, Date.now());
      res.once('close', () => {
        answering.delete(port);
        if (!res.writableFinished) lost.add(req.headers['x-hookline-execution-id']);
      });
      await sleep(ANSWER_MS);
    });
    /** A node with a call that arrived in the last half second: it is still in flight for a second more. */
    const nodeWithCallInFlight = async (candidates: NodeProcess[]): Promise<NodeProcess> => {
      let found: NodeProcess | undefined;
      await waitUntil(async () => {
        const fresh = [...answering].filter(([, at]) => Date.now() - at < ANSWER_MS / 3).map(([port]) => port);
        for (const n of candidates) {
          const ports = await localPortsOf(n.child.pid!);
          if (fresh.some((p) => ports.has(p))) found = n;
        }
        return found !== undefined;
      }, 10_000, 'a node with a call in flight');
      return found!;
    };
    const nodes: NodeProcess[] = [];
    try {
      const [a, b] = await Promise.all([spawnServe(['--config', config], env), spawnServe(['--config', config], env)]);
      nodes.push(a, b);
      const created = await a.api('POST', '/api/v1/jobs', { id: 'tick', schedule: '* * * * * *', webhook: { url: receiver.url, timeout: '5s' } });
      assert.equal(created.status, 201);
      const first = Date.parse(created.body.next_run_at);

      // Phase 1: both nodes up.
      await sleep(PHASE_MS);
      const phaseOneEnd = Math.floor((Date.now() - 2 * SECOND) / SECOND) * SECOND;
      assertOnePerTick(await scheduled(a, 'tick'), first, phaseOneEnd);

      // Phase 2: a node making calls dies with one in flight; the other carries on.
      await sleep(PHASE_MS / 3);
      const victim = await nodeWithCallInFlight([a, b]);
      const survivor = victim === a ? b : a;
      victim.child.kill('SIGKILL');
      await victim.exited;
      await sleep((2 * PHASE_MS) / 3);
      const phaseTwoEnd = Math.floor((Date.now() - 2 * SECOND) / SECOND) * SECOND;
      assertOnePerTick(await scheduled(survivor, 'tick'), first, phaseTwoEnd);

      // The calls the killed node had in flight were made again by the survivor once their leases lapsed.
      assert.ok(lost.size > 0, 'the killed node had calls in flight');
      await waitUntil(async () => {
        const executions = await scheduled(survivor, 'tick');
        return [...lost].every((id) => executions.find((e) => e.id === id)?.status === 'succeeded');
      }, 30_000, 'the executions the killed node had in flight to succeed through the survivor');
      const executions = await scheduled(survivor, 'tick');
      for (const id of lost) {
        assert.equal(executions.find((e) => e.id === id)?.attempts, 2, `${id}: the lost call and the survivor's`);
        const calls = receiver.requests.filter((r) => r.headers['x-hookline-execution-id'] === id);
        assert.deepEqual(calls.map((r) => r.headers['x-hookline-attempt']), ['1', '2']);
      }
    } finally {
      await killAll(nodes);
      await receiver.close();
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
