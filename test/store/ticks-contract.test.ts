import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { v7 as uuidv7 } from 'uuid';
import { createDatabaseClock } from '../../src/database-clock.js';
import type { JobRow, NewExecution, TickFiring } from '../../src/store/store.js';
import { STORE_KINDS, openTestStore, storePerTest } from '../support/stores.js';

const T0 = Date.parse('2026-03-01T00:00:00Z');
const MIN = 60_000;

function job(id: string, nextRunAt: number | null = T0, enabled = 1): JobRow {
  return { id, namespace: 'default', name: id, spec: `{"id":"${id}"}`, enabled, next_run_at: nextRunAt, last_run_at: null, created_at: T0, updated_at: T0 };
}

function execution(jobId: string, at: number): NewExecution {
  const id = uuidv7();
  return {
    id, job_id: jobId, namespace: 'default', trigger_type: 'schedule', trigger: '{"type":"schedule","body":null}', spec: '{}',
    scheduled_time: at, created_at: at,
    runs: [{ id: uuidv7(), kind: 'task', name: 'webhook', max_attempts: 1, timeout_ms: 1000, message_id: `msg_${id}` }],
  };
}

/** Fires tick `at` of `jobId`, read as due at `due`, moving it on to `next`. */
function firing(jobId: string, due: number, at: number, next: number | null, skipIfRunning = false): TickFiring {
  return { job_id: jobId, due, next_run_at: next, skip_if_running: skipIfRunning, ticks: [{ scheduled_for: at, execution: execution(jobId, at) }], now: at };
}

for (const kind of STORE_KINDS) {
  describe(`tick contract: ${kind.name}`, () => {
    const t = storePerTest(kind);

    test('due jobs are the enabled ones whose next tick has come, soonest first', async () => {
      await t.store.insertJob(job('later', T0 + MIN));
      await t.store.insertJob(job('sooner', T0 - MIN));
      await t.store.insertJob(job('paused', T0 - MIN, 0));
      await t.store.insertJob(job('unscheduled', null));
      assert.deepEqual((await t.store.dueJobs(T0, 10)).map((j) => j.id), ['sooner']);
      assert.deepEqual((await t.store.dueJobs(T0 + MIN, 10)).map((j) => j.id), ['sooner', 'later']);
      assert.equal(await t.store.nextTickAt(), T0 - MIN);
      assert.equal(await t.store.setJobEnabled('sooner', false, null, T0), true);
      assert.equal(await t.store.nextTickAt(), T0 + MIN);
      assert.deepEqual((await t.store.listJobs(10, '', false)).map((j) => j.id), ['paused', 'sooner']);
      assert.deepEqual((await t.store.listJobs(10, '', true)).map((j) => j.id), ['later', 'unscheduled']);
    });

    test('firing moves the job on, records the tick and starts its execution, all at once', async () => {
      await t.store.insertJob(job('j'));
      const item = firing('j', T0, T0, T0 + MIN);
      const result = await t.store.fireTicks([item]);
      assert.deepEqual(result, { started: [(item.ticks[0] as { execution: NewExecution }).execution.id], skipped: [] });
      const row = await t.store.getJob('j');
      assert.equal(row?.next_run_at, T0 + MIN);
      assert.equal(row?.last_run_at, T0);
      const [tick] = await t.store.listTicks('j', 10);
      const [execution] = await t.store.listExecutions('j', 10);
      assert.deepEqual({ ...tick }, { job_id: 'j', scheduled_for: T0, status: 'fired', execution_id: execution.id, missed_until: null, missed_count: 1, created_at: T0 });
      assert.equal(execution.scheduled_time, T0);
    });

    test('a firing read with a stale next tick writes nothing; a tick already recorded starts nothing', async () => {
      await t.store.insertJob(job('j'));
      await t.store.fireTicks([firing('j', T0, T0, T0 + MIN)]);
      assert.deepEqual(await t.store.fireTicks([firing('j', T0, T0, T0 + MIN)]), { started: [], skipped: [] }, 'another node got there first');
      // The schedule is set back to an earlier tick that already fired (a clock that went back).
      await t.store.upsertJob({ ...job('j'), next_run_at: T0 });
      assert.deepEqual(await t.store.fireTicks([firing('j', T0, T0, T0 + MIN)]), { started: [], skipped: [] });
      assert.equal((await t.store.getJob('j'))?.next_run_at, T0 + MIN, 'but the job still moves on');
      assert.equal((await t.store.listExecutions('j', 10)).length, 1);
    });

    test('two stores firing the same due ticks at once start each execution once', async () => {
      const other = await openTestStore(t.db);
      try {
        const ids = Array.from({ length: 20 }, (_, i) => `race-${i}`);
        for (const id of ids) await t.store.insertJob(job(id));
        const results = await Promise.all([
          ...[t.store, other, t.store, other].map((s) => s.fireTicks(ids.map((id) => firing(id, T0, T0, T0 + MIN)))),
        ]);
        assert.equal(results.reduce((n, r) => n + r.started.length, 0), 20);
        for (const id of ids) assert.equal((await t.store.listExecutions(id, 10)).length, 1, id);
      } finally {
        await other.close();
      }
    });

    test('a run handed to a local worker is born running under its lease, and lapses like a claimed one', async () => {
      await t.store.insertJob(job('handed'));
      const item = firing('handed', T0, T0, T0 + MIN);
      const execution = (item.ticks[0] as { execution: NewExecution }).execution;
      execution.runs[0].lease = { owner: 'local', until: T0 + 5_000 };
      await t.store.fireTicks([item]);
      const shown = await t.store.getExecution('handed', execution.id);
      assert.deepEqual([shown?.status, shown?.started_at], ['running', T0]);
      assert.deepEqual(await t.store.claimRuns('other', T0 + 4_000, 10, 0), [], 'nobody else may claim it while the lease holds');
      const [again] = await t.store.claimRuns('other', T0 + 5_001, 10, 0);
      assert.deepEqual([again.id, again.attempt, again.lease_owner], [execution.runs[0].id, 2, 'other']);
    });

    test('overlap: a tick is skipped, and recorded so, while an execution of its job is unfinished', async () => {
      await t.store.insertJob(job('busy'));
      await t.store.fireTicks([firing('busy', T0, T0, T0 + MIN, true)]);
      const result = await t.store.fireTicks([firing('busy', T0 + MIN, T0 + MIN, T0 + 2 * MIN, true)]);
      assert.deepEqual(result, { started: [], skipped: [{ job_id: 'busy', scheduled_for: T0 + MIN }] });
      assert.deepEqual((await t.store.listTicks('busy', 10)).map((t) => [t.scheduled_for, t.status]), [
        [T0 + MIN, 'skipped_overlap'],
        [T0, 'fired'],
      ]);
    });

    test('missed ticks are one record with their range and count; ticks page newest first', async () => {
      await t.store.insertJob(job('late'));
      const item: TickFiring = {
        job_id: 'late', due: T0, next_run_at: T0 + 11 * MIN, skip_if_running: false, now: T0 + 10 * MIN,
        ticks: [
          { scheduled_for: T0, missed: { until: T0 + 9 * MIN, count: 10 } },
          { scheduled_for: T0 + 10 * MIN, execution: execution('late', T0 + 10 * MIN) },
        ],
      };
      assert.equal((await t.store.fireTicks([item])).started.length, 1);
      const ticks = await t.store.listTicks('late', 1);
      assert.equal(ticks[0].scheduled_for, T0 + 10 * MIN);
      const [missed] = await t.store.listTicks('late', 10, ticks[0].scheduled_for);
      assert.deepEqual([missed.status, missed.missed_until, missed.missed_count], ['missed', T0 + 9 * MIN, 10]);
      assert.equal((await t.store.getJob('late'))?.last_run_at, T0 + 10 * MIN);
    });

    test("the database's clock, read through a node whose own clock is an hour off", async () => {
      const skewed = () => Date.now() + 3_600_000;
      const clock = await createDatabaseClock(() => t.store.databaseNow(), skewed);
      try {
        assert.ok(Math.abs((await t.store.databaseNow()) - Date.now()) < 5_000);
        assert.ok(Math.abs(clock.now() - Date.now()) < 5_000, `${clock.now() - Date.now()} ms off`);
      } finally {
        clock.stop();
      }
    });
  });
}
