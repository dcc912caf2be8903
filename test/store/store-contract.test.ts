import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { v7 as uuidv7 } from 'uuid';
import { DIALECTS } from '../../src/store/dialects.js';
import { JobGoneError } from '../../src/store/insert-execution.js';
import type { JobRow, NewExecution, RunCompletion } from '../../src/store/store.js';
import { STORE_KINDS, openTestStore, storePerTest } from '../support/stores.js';

const T0 = Date.parse('2026-03-01T00:00:00Z');
const DAY = 86_400_000;

function job(id: string, now = T0, nextRunAt: number | null = null): JobRow {
  const spec = '{"id":"' + id + '"}';
  return { id, namespace: 'default', name: id, spec, enabled: 1, next_run_at: nextRunAt, last_run_at: null, created_at: now, updated_at: now };
}

function execution(jobId: string, options: { at?: number; key?: string; runs?: number } = {}): NewExecution {
  const id = uuidv7();
  const at = options.at ?? T0;
  return {
    id,
    job_id: jobId,
    namespace: 'default',
    trigger_type: 'manual',
    trigger: '{"type":"manual","body":null}',
    spec: '{}',
    scheduled_time: at,
    idempotency_key: options.key,
    created_at: at,
    runs: Array.from({ length: options.runs ?? 1 }, (_, i) => ({
      id: uuidv7(),
      kind: 'task' as const,
      name: `task${i}`,
      max_attempts: 3,
      timeout_ms: 1000,
      message_id: `msg_${id}_${i}`,
    })),
  };
}

function completion(run: { id: string; execution_id: string; job_id: string; lease_owner: string; attempt: number }, outcome: RunCompletion['outcome'], now: number, dueAt?: number): RunCompletion {
  const request = '{"url":"http://127.0.0.1/","method":"POST","headers":{}}';
  return {
    hook_id: null,
    kind: 'task',
    task_name: 'task0',
    notify: [],
    run_id: run.id,
    execution_id: run.execution_id,
    job_id: run.job_id,
    namespace: 'default',
    owner: run.lease_owner,
    outcome,
    due_at: dueAt,
    error: outcome === 'succeeded' ? null : 'HTTP 503',
    request,
    response: '{"status_code":503,"error":"HTTP 503"}',
    now,
    attempt: {
      id: uuidv7(), run_id: run.id, execution_id: run.execution_id, attempt: run.attempt, started_at: now, duration_ms: 5,
      status_code: outcome === 'succeeded' ? 200 : 503, error_code: null, error: outcome === 'succeeded' ? null : 'HTTP 503', request,
      response_headers: '{}', response_body: 'ok', response_truncated: 0, response_encoding: null, endpoint: null,
    },
  };
}

for (const kind of STORE_KINDS) {
  describe(`store contract: ${kind.name}`, () => {
    const t = storePerTest(kind);

    test('migrations are applied once and re-opening the store is harmless', async () => {
      const again = await openTestStore(t.db);
      await again.close();
      assert.equal(t.store.dialect.name, kind.name);
    });

    test('jobs: insert refuses a duplicate, upsert tells created from updated, list pages by id, delete', async () => {
      assert.equal(await t.store.insertJob(job('a-job')), true);
      assert.equal(await t.store.insertJob(job('a-job')), false);
      assert.equal(await t.store.upsertJob({ ...job('b-job'), name: 'first' }), 'created');
      assert.equal(await t.store.upsertJob({ ...job('b-job', T0 + 5), name: 'second' }), 'updated');
      const b = await t.store.getJob('b-job');
      assert.equal(b?.name, 'second');
      assert.equal(b?.created_at, T0);
      assert.equal(b?.updated_at, T0 + 5);
      await t.store.insertJob(job('c-job'));
      assert.deepEqual((await t.store.listJobs(2)).map((j) => j.id), ['a-job', 'b-job']);
      assert.deepEqual((await t.store.listJobs(2, 'b-job')).map((j) => j.id), ['c-job']);
      assert.equal(await t.store.deleteJob('c-job'), true);
      assert.equal(await t.store.deleteJob('c-job'), false);
      assert.equal(await t.store.getJob('c-job'), undefined);
    });

    test('executions are written with their runs; an idempotency key is reused within the window only', async () => {
      await t.store.insertJob(job('idem'));
      const [first, second] = await t.store.createExecutions([execution('idem', { key: 'k1' }), execution('idem', { key: 'k1', at: T0 + 1000 })], DAY);
      assert.equal(first.reused, false);
      assert.deepEqual(second, { id: first.id, reused: true });
      const [late] = await t.store.createExecutions([execution('idem', { key: 'k1', at: T0 + DAY + 1 })], DAY);
      assert.equal(late.reused, false);
      assert.notEqual(late.id, first.id);
      const [again] = await t.store.createExecutions([execution('idem', { key: 'k1', at: T0 + DAY + 2 })], DAY);
      assert.deepEqual(again, { id: late.id, reused: true });
      const listed = await t.store.listExecutions('idem', 10);
      assert.deepEqual(listed.map((e) => e.id), [late.id, first.id]);
      assert.equal(listed[0].status, 'pending');
      // In one batch: a key repeated within the window, one repeated past it, and a call with none.
      const batch = await t.store.createExecutions(
        [execution('idem', { key: 'k2', at: T0 }), execution('idem', { key: 'k2', at: T0 + 5 }), execution('idem'), execution('idem', { key: 'k2', at: T0 + DAY + 9 })],
        DAY,
      );
      assert.deepEqual(batch.map((c) => c.reused), [false, true, false, false]);
      assert.equal(batch[1].id, batch[0].id);
      const [k2] = await t.store.createExecutions([execution('idem', { key: 'k2', at: T0 + DAY + 10 })], DAY);
      assert.deepEqual(k2, { id: batch[3].id, reused: true });
      assert.equal((await t.store.listExecutions('idem', 10)).length, 5);
    });

    test('a batch naming a deleted job fails whole, leaving nothing half-written', async () => {
      await t.store.insertJob(job('kept'));
      const good = execution('kept');
      await assert.rejects(t.store.createExecutions([good, execution('no-such-job')], DAY), JobGoneError);
      assert.equal(await t.store.getExecution('kept', good.id), undefined);
    });

    test('executions list newest first and page with a cursor', async () => {
      await t.store.insertJob(job('paged'));
      const made = [];
      for (let i = 0; i < 5; i++) made.push(...(await t.store.createExecutions([execution('paged', { at: T0 + i })], DAY)));
      const page1 = await t.store.listExecutions('paged', 2);
      assert.deepEqual(page1.map((e) => e.id), [made[4].id, made[3].id]);
      const last = page1[1];
      const page2 = await t.store.listExecutions('paged', 2, { created_at: last.created_at, id: last.id });
      assert.deepEqual(page2.map((e) => e.id), [made[2].id, made[1].id]);
    });

    test('claiming takes due runs only, under a lease that one owner holds', async () => {
      await t.store.insertJob(job('claim'));
      const [e] = await t.store.createExecutions([execution('claim', { at: T0 + 10 * DAY })], DAY);
      assert.deepEqual(await t.store.claimRuns('w1', T0 + 10 * DAY - 1, 10, 500), []);
      const claimed = await t.store.claimRuns('w1', T0 + 10 * DAY, 10, 500);
      assert.equal(claimed.length, 1);
      assert.equal(claimed[0].execution_id, e.id);
      assert.equal(claimed[0].attempt, 1);
      assert.equal(claimed[0].lease_owner, 'w1');
      assert.equal(claimed[0].job_id, 'claim');
      assert.deepEqual(await t.store.claimRuns('w2', T0 + 10 * DAY, 10, 500), [], 'a held lease is not claimable');
      assert.equal((await t.store.getExecution('claim', e.id))?.status, 'running');
      // The lease is the call's timeout (1000 ms) plus the margin (500 ms).
      assert.equal(await t.store.nextWakeAt(), T0 + 10 * DAY + 1500);
      assert.deepEqual(await t.store.claimRuns('w2', T0 + 10 * DAY + 1500, 10, 500), [], 'not before the lease lapses');
      const [taken] = await t.store.claimRuns('w2', T0 + 10 * DAY + 1501, 10, 500);
      assert.equal(taken.lease_owner, 'w2');
      assert.equal(taken.attempt, 2, 'an attempt lost with its worker counts');
      await t.store.completeRuns([completion(claimed[0], 'succeeded', T0 + 10 * DAY + 1600)]);
      assert.equal((await t.store.getExecution('claim', e.id))?.status, 'running', "the old owner's late result is dropped");
      await t.store.completeRuns([completion(taken, 'succeeded', T0 + 10 * DAY + 1700)]);
      const done = await t.store.getExecution('claim', e.id);
      assert.equal(done?.status, 'succeeded');
      assert.equal(done?.finished_at, T0 + 10 * DAY + 1700);
      assert.equal((await t.store.listAttempts(e.id)).length, 1);
    });

    test('a retry is a pending run with a due time; success then ends the execution', async () => {
      await t.store.insertJob(job('retry'));
      const at = T0 + 20 * DAY;
      const [e] = await t.store.createExecutions([execution('retry', { at })], DAY);
      const [run] = await t.store.claimRuns('w1', at, 10, 500);
      await t.store.completeRuns([completion(run, 'retry', at + 5, at + 10_005)]);
      const waiting = await t.store.getExecution('retry', e.id);
      assert.equal(waiting?.status, 'retrying');
      assert.equal(waiting?.attempts, 1);
      assert.equal(waiting?.last_error, 'HTTP 503');
      assert.equal(waiting?.next_attempt_at, at + 10_005);
      assert.deepEqual(await t.store.claimRuns('w1', at + 10_004, 10, 500), []);
      const [second] = await t.store.claimRuns('w1', at + 10_005, 10, 500);
      assert.equal(second.attempt, 2);
      assert.equal(second.message_id, run.message_id, 'every attempt of a run carries one message id');
      await t.store.completeRuns([completion(second, 'succeeded', at + 10_010)]);
      const done = await t.store.getExecution('retry', e.id);
      assert.equal(done?.status, 'succeeded');
      assert.equal(done?.attempts, 2);
      assert.equal(done?.next_attempt_at, null);
      assert.deepEqual((await t.store.listAttempts(e.id)).map((a) => [a.attempt, a.status_code]), [[1, 503], [2, 200]]);
    });

    test('one batch of completions: each moves its own execution, a late one is dropped, answers keep their order', async () => {
      await t.store.insertJob(job('batch'));
      const at = T0 + 25 * DAY;
      const executions = Array.from({ length: 4 }, () => execution('batch', { at }));
      await t.store.createExecutions(executions, DAY);
      const runs = await t.store.claimRuns('w1', at, 10, 500);
      const byExecution = (e: NewExecution) => runs.find((r) => r.execution_id === e.id)!;
      const [won, lost, retried, late] = executions.map(byExecution);
      const [taken] = await t.store.claimRuns('w2', at + 1501, 1, 500); // w1's leases lapsed; w2 takes the first due
      const stale = runs.find((r) => r.id === taken.id)!;
      const fresh = [won, lost, retried, late].filter((r) => r.id !== stale.id);
      const ended = await t.store.completeRuns([
        completion(stale, 'succeeded', at + 1600),
        completion(fresh[0], 'succeeded', at + 1601),
        completion(fresh[1], 'failed', at + 1602),
        completion(fresh[2], 'retry', at + 1603, at + 9000),
      ]);
      assert.deepEqual(ended, [undefined, 'succeeded', 'failed', undefined]);
      const status = async (r: { execution_id: string }) => (await t.store.getExecution('batch', r.execution_id))!;
      assert.equal((await status(stale)).status, 'running', "the old owner's late result is dropped");
      assert.equal((await t.store.listAttempts(stale.execution_id)).length, 0);
      assert.deepEqual(
        [await status(fresh[0]), await status(fresh[1]), await status(fresh[2])].map((e) => [e.status, e.attempts, e.last_error, e.finished_at]),
        [['succeeded', 1, null, at + 1601], ['failed', 1, 'HTTP 503', at + 1602], ['retrying', 1, 'HTTP 503', null]],
      );
      assert.equal((await status(fresh[2])).next_attempt_at, at + 9000);
      for (const r of fresh) assert.equal((await t.store.listAttempts(r.execution_id)).length, 1);
    });

    test('a graph in batches: siblings ended together release what waits for both; the last task ends the execution', async () => {
      await t.store.insertJob(job('graph'));
      const at = T0 + 26 * DAY;
      const e = execution('graph', { at, runs: 4 });
      const [start, left, right, end] = e.runs;
      Object.assign(start, { name: 'start' });
      Object.assign(left, { name: 'left', blockers: 1 });
      Object.assign(right, { name: 'right', blockers: 1 });
      Object.assign(end, { name: 'end', blockers: 2 });
      await t.store.createExecutions([e], DAY);
      const step = (run: Parameters<typeof completion>[0], outcome: RunCompletion['outcome'], now: number, graph: RunCompletion['graph']) => ({
        ...completion(run, outcome, now),
        task_name: e.runs.find((r) => r.id === run.id)!.name,
        graph,
      });
      const claim = async (now: number) => (await t.store.claimRuns('w', now, 10, 500)).sort((a, b) => a.name.localeCompare(b.name));
      const [first] = await claim(at);
      assert.equal(first.name, 'start', 'only the task that waits for nothing is due');
      assert.deepEqual(await t.store.completeRuns([step(first, 'succeeded', at + 1, { dependents: ['left', 'right'], downstream: ['left', 'right', 'end'] })]), [undefined]);
      const both = await claim(at + 2);
      assert.deepEqual(both.map((r) => r.name), ['left', 'right']);
      const ended = await t.store.completeRuns(both.map((run, i) => step(run, 'succeeded', at + 3 + i, { dependents: ['end'], downstream: ['end'] })));
      assert.deepEqual(ended, [undefined, undefined]);
      assert.equal((await t.store.getExecution('graph', e.id))?.status, 'running');
      const [last] = await claim(at + 5);
      assert.equal(last?.name, 'end', 'the task after both is due once both succeeded in one batch');
      assert.deepEqual(await t.store.completeRuns([step(last, 'failed', at + 6, { dependents: [], downstream: [] })]), ['failed']);
      const done = await t.store.getExecution('graph', e.id);
      assert.deepEqual([done?.status, done?.last_error, done?.finished_at], ['failed', 'HTTP 503', at + 6]);
      assert.deepEqual((await t.store.listRuns(e.id)).map((r) => [r.name, r.status]).sort(), [['end', 'failed'], ['left', 'succeeded'], ['right', 'succeeded'], ['start', 'succeeded']]);
    });

    test('a failed task in a batch skips what follows it and ends its execution failed', async () => {
      await t.store.insertJob(job('graph-fail'));
      const at = T0 + 27 * DAY;
      const e = execution('graph-fail', { at, runs: 3 });
      e.runs[1].blockers = 1;
      e.runs[2].blockers = 1;
      const other = execution('graph-fail', { at });
      await t.store.createExecutions([e, other], DAY);
      const runs = await t.store.claimRuns('w', at, 10, 500);
      const first = runs.find((r) => r.execution_id === e.id)!;
      const alone = runs.find((r) => r.execution_id === other.id)!;
      const failed = { ...completion(first, 'failed', at + 1), graph: { dependents: ['task1'], downstream: ['task1', 'task2'] } };
      assert.deepEqual(await t.store.completeRuns([failed, completion(alone, 'succeeded', at + 2)]), ['failed', 'succeeded']);
      assert.deepEqual((await t.store.listRuns(e.id)).map((r) => r.status), ['failed', 'skipped', 'skipped']);
      assert.equal((await t.store.getExecution('graph-fail', e.id))?.status, 'failed');
      assert.equal((await t.store.getExecution('graph-fail', other.id))?.status, 'succeeded');
    });

    test('released runs are due again at once with the attempt not counted', async () => {
      await t.store.insertJob(job('release'));
      const at = T0 + 30 * DAY;
      const [e] = await t.store.createExecutions([execution('release', { at })], DAY);
      const [run] = await t.store.claimRuns('w1', at, 10, 500);
      await t.store.releaseRuns('w2', [run.id], at + 1);
      assert.equal((await t.store.getExecution('release', e.id))?.status, 'running', 'only the owner can release');
      await t.store.releaseRuns('w1', [run.id], at + 1);
      assert.equal((await t.store.getExecution('release', e.id))?.status, 'pending');
      const [again] = await t.store.claimRuns('w3', at + 1, 10, 500);
      assert.equal(again.id, run.id);
      assert.equal(again.attempt, 1);
      await t.store.completeRuns([completion(again, 'succeeded', at + 2)]);
    });

    // Declared skipped rather than skipped at run time, which would leave afterEach unrun.
    const oneNode = !DIALECTS[kind.name].multiNode && 'this store is owned by one node';
    test('nodes sharing one database claim disjoint runs', { skip: oneNode }, async () => {
      await t.store.insertJob(job('race'));
      const at = T0 + 40 * DAY;
      const executions = Array.from({ length: 60 }, () => execution('race', { at }));
      await t.store.createExecutions(executions, DAY);
      const other = await openTestStore(t.db);
      try {
        const claims = await Promise.all([
          ...Array.from({ length: 6 }, (_, i) => t.store.claimRuns(`a${i}`, at, 10, 500)),
          ...Array.from({ length: 6 }, (_, i) => other.claimRuns(`b${i}`, at, 10, 500)),
        ]);
        const ids = claims.flat().map((r) => r.id);
        assert.equal(ids.length, 60, 'every due run is claimed');
        assert.equal(new Set(ids).size, 60, 'no run is claimed twice');
        await t.store.completeRuns(claims.flat().map((r) => completion(r, 'succeeded', at + 1)));
      } finally {
        await other.close();
      }
    });

    test('orphaned runs: recovered at once where one node owns the store, left to their leases where many share it', async () => {
      await t.store.insertJob(job('orphan'));
      const at = T0 + 50 * DAY;
      const [e] = await t.store.createExecutions([execution('orphan', { at })], DAY);
      const [run] = await t.store.claimRuns('dead', at, 10, 500);
      const recovered = await t.store.recoverOrphanedRuns();
      const [again] = await t.store.claimRuns('alive', at + 1, 10, 500);
      if (t.store.dialect.multiNode) {
        assert.equal(recovered, 0);
        assert.equal(again, undefined, 'another node may still hold it');
      } else {
        assert.equal(recovered, 1);
        assert.equal(again.id, run.id);
        await t.store.completeRuns([completion(again, 'succeeded', at + 2)]);
        assert.equal((await t.store.getExecution('orphan', e.id))?.status, 'succeeded');
      }
    });

    test('deleting a job deletes its executions', async () => {
      await t.store.insertJob(job('gone'));
      const [e] = await t.store.createExecutions([execution('gone', { at: T0 + 60 * DAY })], DAY);
      await t.store.deleteJob('gone');
      assert.equal(await t.store.getExecution('gone', e.id), undefined);
      assert.deepEqual(await t.store.claimRuns('w', T0 + 60 * DAY, 10, 500), []);
    });

    test('meta values are set once and kept', async () => {
      assert.equal(await t.store.getMeta('m'), undefined);
      assert.equal(await t.store.initMeta('m', 'one'), 'one');
      assert.equal(await t.store.initMeta('m', 'two'), 'one');
    });
  });
}
