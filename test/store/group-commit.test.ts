import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { v7 as uuidv7 } from 'uuid';
import { createGroupCommit } from '../../src/store/group-commit.js';
import type { CreatedExecution, NewExecution, Store } from '../../src/store/store.js';
import { STORE_KINDS, storePerTest } from '../support/stores.js';

const T0 = Date.parse('2026-03-01T00:00:00Z');

function execution(jobId: string): NewExecution {
  const id = uuidv7();
  return {
    id, job_id: jobId, namespace: 'default', trigger_type: 'manual', trigger: '{"type":"manual","body":null}', spec: '{}',
    scheduled_time: T0, created_at: T0,
    runs: [{ id: uuidv7(), kind: 'task', name: 'webhook', max_attempts: 1, timeout_ms: 1000, message_id: `msg_${id}` }],
  };
}

/** The store's own write, with each batch's size noted and its start held until `release` is called. */
function heldWrites(store: Store) {
  const batches: number[] = [];
  const gates: Array<() => void> = [];
  let writing = 0;
  let mostAtOnce = 0;
  const write = async (items: NewExecution[]): Promise<CreatedExecution[]> => {
    batches.push(items.length);
    mostAtOnce = Math.max(mostAtOnce, ++writing);
    await new Promise<void>((resolve) => gates.push(resolve));
    try {
      return await store.createExecutions(items, 0);
    } finally {
      writing--;
    }
  };
  const release = () => gates.splice(0).forEach((open) => open());
  return { write, batches, release, mostAtOnce: () => mostAtOnce, waiting: () => gates.length };
}

const turn = () => new Promise((r) => setImmediate(r));

for (const kind of STORE_KINDS) {
  describe(`group commit: ${kind.name}`, () => {
    const t = storePerTest(kind);
    const job = async () => {
      await t.store.insertJob({ id: 'j', namespace: 'default', name: 'j', spec: '{}', enabled: 1, next_run_at: null, created_at: T0, updated_at: T0 });
    };

    test('what arrives in one turn is one batch; what arrives while it is written waits for the next', async () => {
      await job();
      const held = heldWrites(t.store);
      const commit = createGroupCommit(held.write);
      const first = Array.from({ length: 5 }, () => commit.add(execution('j')));
      await turn();
      const second = Array.from({ length: 3 }, () => commit.add(execution('j')));
      await turn();
      assert.deepEqual(held.batches, [5], 'one batch at a time by default');
      held.release();
      await Promise.all(first);
      await turn();
      held.release();
      const created = await Promise.all([...first, ...second]);
      assert.deepEqual(held.batches, [5, 3]);
      assert.equal(new Set(created.map((c) => c.id)).size, 8, 'each caller gets its own execution');
      assert.equal((await t.store.listExecutions('j', 20)).length, 8);
    });

    test('with two in flight, a second batch is sent while the first is written, and a third waits for one to end', async () => {
      await job();
      const held = heldWrites(t.store);
      const commit = createGroupCommit(held.write, { inFlight: 2 });
      const added: Array<Promise<CreatedExecution>> = [];
      for (const size of [4, 2, 3]) {
        for (let i = 0; i < size; i++) added.push(commit.add(execution('j')));
        await turn();
      }
      assert.deepEqual(held.batches, [4, 2], 'two batches written at once');
      assert.equal(held.waiting(), 2);
      held.release();
      while (held.batches.length < 3) await turn();
      held.release();
      const settled = commit.settle();
      while (held.waiting() > 0 || held.batches.length < 3) {
        held.release();
        await turn();
      }
      await settled;
      assert.deepEqual(held.batches, [4, 2, 3]);
      assert.equal(held.mostAtOnce(), 2);
      assert.equal((await Promise.all(added)).length, 9);
      assert.equal((await t.store.listExecutions('j', 20)).length, 9, 'settle resolved once every batch was written');
    });

    test('one bad item fails alone: the batch is tried item by item and the others are written', async () => {
      await job();
      const commit = createGroupCommit((items: NewExecution[]) => t.store.createExecutions(items, 0), { inFlight: 2 });
      const results = await Promise.allSettled([commit.add(execution('j')), commit.add(execution('gone')), commit.add(execution('j'))]);
      assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
      assert.match(String((results[1] as PromiseRejectedResult).reason), /gone/);
      assert.equal((await t.store.listExecutions('j', 20)).length, 2);
    });
  });
}
