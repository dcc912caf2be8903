import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { v7 as uuidv7 } from 'uuid';
import type { JobRow, RunCompletion, Store } from '../../src/store/store.js';
import { sideStatements } from '../support/side-database.js';
import { STORE_KINDS, openTestStore, storePerTest } from '../support/stores.js';

const T0 = Date.parse('2026-04-01T10:00:00Z');
const MINUTE = 60_000;

const job = (id: string): JobRow => ({ id, namespace: 'default', name: id, spec: '{}', enabled: 1, next_run_at: null, last_run_at: null, created_at: T0, updated_at: T0 });

/** An execution of `jobId` with one task, claimed by `owner` at `at`. */
async function claimed(store: Store, jobId: string, owner: string, at: number) {
  const id = uuidv7();
  await store.createExecutions([{ id, job_id: jobId, namespace: 'default', trigger_type: 'manual', trigger: '{"type":"manual"}', spec: '{}', scheduled_time: at, created_at: at, runs: [{ id: uuidv7(), kind: 'task', name: 'call', max_attempts: 1, timeout_ms: 1000, message_id: `msg_${id}` }] }], 1000);
  const [run] = await store.claimRuns(owner, at, 1, 100);
  assert.equal(run.execution_id, id);
  return run;
}

type Answer = { status?: number; error?: string; code?: string; ms: number; endpoint?: string };

function ended(run: Awaited<ReturnType<typeof claimed>>, at: number, a: Answer): RunCompletion {
  const error = a.error ?? null;
  return {
    kind: 'task', task_name: run.name, notify: [], run_id: run.id, execution_id: run.execution_id, job_id: run.job_id, namespace: 'default', owner: run.lease_owner,
    outcome: error === null ? 'succeeded' : 'failed', error, request: '{}', response: '{}', now: at + a.ms, hook_id: null,
    attempt: {
      id: uuidv7(), run_id: run.id, execution_id: run.execution_id, attempt: run.attempt, started_at: at, duration_ms: a.ms, status_code: a.status ?? null,
      error_code: a.code ?? null, error, request: '{}', response_headers: null, response_body: null, response_truncated: 0, response_encoding: null, endpoint: a.endpoint ?? null,
    },
  };
}


for (const kind of STORE_KINDS) {
  describe(`overview counts: ${kind.name}`, () => {
    const t = storePerTest(kind);

    test('attempts are counted by minute, outcome and duration, failures by job and endpoint, from every node; a late result of a lapsed lease is not', async () => {
      await t.store.insertJob(job('a'));
      await t.store.insertJob(job('b'));
      const answers: Array<[string, string, number, Answer]> = [
        ['a', 'node-1', T0 + 1000, { status: 200, ms: 7, endpoint: 'ep' }],
        ['a', 'node-2', T0 + 2000, { status: 200, ms: 40, endpoint: 'ep' }],
        ['a', 'node-1', T0 + 3000, { status: 503, error: 'HTTP 503', ms: 3, endpoint: 'ep' }],
        ['b', 'node-2', T0 + MINUTE, { error: 'timed out after 1s', code: 'TIMEOUT', ms: 1000 }],
        ['b', 'node-1', T0 + MINUTE + 5, { status: 404, error: 'HTTP 404', ms: 4_000_000, endpoint: 'other' }],
        ['b', 'node-1', T0 + MINUTE + 9, { error: 'connection refused', code: 'CONNECTION_ERROR', ms: 2, endpoint: 'other' }],
      ];
      for (const [jobId, owner, at, answer] of answers) await t.store.completeRuns([ended(await claimed(t.store, jobId, owner, at), at, answer)]);

      // A run whose lease lapsed to another node: the first node's late result is dropped, and not counted.
      const lost = await claimed(t.store, 'a', 'node-1', T0 + 2 * MINUTE);
      const [taken] = await t.store.claimRuns('node-2', T0 + 2 * MINUTE + 1101, 1, 100);
      await t.store.completeRuns([ended(lost, T0 + 2 * MINUTE + 1200, { status: 200, ms: 1 })]);
      await t.store.completeRuns([ended(taken, T0 + 2 * MINUTE + 1300, { status: 200, ms: 1 })]);

      const o = await t.store.overview(T0, MINUTE);
      const by = (at: number) => Object.fromEntries(o.attempts.filter((r) => r.at === at).map((r) => [r.outcome, r.count]));
      assert.deepEqual(by(T0), { success: 2, http_5xx: 1 });
      assert.deepEqual(by(T0 + MINUTE), { timeout: 1, http_4xx: 1, connection: 1 });
      assert.deepEqual(by(T0 + 2 * MINUTE), { success: 1 });
      const histogram = Object.fromEntries(o.durations.filter((d) => d.count > 0).map((d) => [d.le, d.count]));
      assert.deepEqual(histogram, { 5: 3, 10: 1, 50: 1, 1000: 1, Infinity: 1 });
      assert.deepEqual(o.failingJobs, [{ job_id: 'b', failures: 3 }, { job_id: 'a', failures: 1 }]);
      assert.deepEqual(o.failingEndpoints, [{ endpoint: 'other', failures: 2 }, { endpoint: 'ep', failures: 1 }]);

      const quarter = await t.store.overview(T0, 15 * MINUTE);
      assert.deepEqual(quarter.attempts.map((r) => [r.at, r.outcome, r.count]).sort(), [[T0, 'connection', 1], [T0, 'http_4xx', 1], [T0, 'http_5xx', 1], [T0, 'success', 3], [T0, 'timeout', 1]].sort());
      assert.equal((await t.store.overview(T0 + MINUTE, MINUTE)).attempts.reduce((n, r) => n + r.count, 0), 4, 'the window starts at its first minute');

      const epBuckets = [{ at: T0, attempts: 3, succeeded: 2 }];
      assert.deepEqual(await t.store.endpointAttemptStats('ep', T0), { attempts: 3, succeeded: 2, last_attempt_at: T0 + 3000, last_success_at: T0 + 2000, buckets: epBuckets });
      const otherBuckets = [{ at: T0 + MINUTE, attempts: 2, succeeded: 0 }];
      assert.deepEqual(await t.store.endpointAttemptStats('other', T0 + 30_000), { attempts: 2, succeeded: 0, last_attempt_at: T0 + MINUTE + 9, last_success_at: null, buckets: otherBuckets });
      assert.deepEqual(await t.store.endpointAttemptStats('ep', T0 + MINUTE), { attempts: 0, succeeded: 0, last_attempt_at: null, last_success_at: null, buckets: [] });
      // By quarter hour: the same attempts in the bucket that holds their minute.
      assert.deepEqual((await t.store.endpointAttemptStats('ep', T0, 15 * MINUTE)).buckets, [{ at: Math.floor(T0 / (15 * MINUTE)) * 15 * MINUTE, attempts: 3, succeeded: 2 }]);
    });

    test('a store upgraded from before the counts counts the attempts it already held', async () => {
      await t.store.insertJob(job('old'));
      for (const [at, answer] of [[T0, { status: 200, ms: 20 }], [T0 + 10, { status: 500, error: 'HTTP 500', ms: 30 }]] as const) {
        await t.store.completeRuns([ended(await claimed(t.store, 'old', 'node-1', at), at, answer)]);
      }
      // The store as it was before migration 10: no counts, no endpoint on attempts.
      await sideStatements(t.db, [
        'DROP TABLE attempt_minutes', 'DROP TABLE failure_minutes', 'DROP TABLE endpoint_minutes', 'DROP INDEX attempts_endpoint',
        'ALTER TABLE attempts DROP COLUMN endpoint', 'CREATE INDEX attempts_started ON attempts (started_at)', 'DELETE FROM hookline_migrations WHERE version = 10',
      ]);
      const upgraded = await openTestStore(t.db);
      try {
        const o = await upgraded.overview(T0, MINUTE);
        assert.deepEqual(o.attempts.map((r) => [r.outcome, r.count]).sort(), [['http_5xx', 1], ['success', 1]]);
        assert.deepEqual(o.failingJobs, [{ job_id: 'old', failures: 1 }]);
        assert.equal(o.durations.find((d) => d.le === 25)?.count, 1);
        assert.equal(o.durations.find((d) => d.le === 50)?.count, 1);
      } finally {
        await upgraded.close();
      }
    });
  });
}
