import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import type { HookDeclaration, JobRow, NewExecution, NewInvocation, RateLimit, Store } from '../../src/store/store.js';
import { POSTGRES } from '../../src/store/dialects.js';
import { MAX_PREPARED_LENGTH, openPostgresDriver } from '../../src/store/postgres/postgres-driver.js';
import { createSqlStore } from '../../src/store/sql-store.js';
import { recording, type SentStatement } from '../support/recording-driver.js';
import { STORE_KINDS, storePerTest } from '../support/stores.js';

const T0 = Date.parse('2026-03-01T00:00:00Z');
const SPEC = '{"triggers":[]}';
const DAY = 86_400_000;

function jobWithHooks(id: string, hooks: Array<Partial<HookDeclaration> & { trigger_id: string }>, now = T0): JobRow {
  return {
    id, namespace: 'default', name: id, spec: SPEC, enabled: 1, next_run_at: null, last_run_at: null, created_at: now, updated_at: now,
    hooks: hooks.map((h) => ({ id: uuidv7(), stop_after: [], address: `${id}/${h.trigger_id}`, ...h })),
  };
}

function execution(jobId: string, hookId: string, at: number): NewExecution {
  const id = uuidv7();
  return {
    id, job_id: jobId, namespace: 'default', trigger_type: 'webhook', trigger: '{"type":"webhook","body":null}', spec: SPEC,
    scheduled_time: at, created_at: at, hook_id: hookId,
    runs: [{ id: uuidv7(), kind: 'task', name: 'webhook', max_attempts: 1, timeout_ms: 1000, message_id: `msg_${id}` }],
  };
}

function limit(scope: string, max: number, at = T0): RateLimit {
  return { scope, limit: max, window_start: at - (at % 60_000), window_ms: 60_000, reason: `over ${scope}` };
}

function invocation(hookId: string, at: number, options: { limits?: RateLimit[]; execution?: NewExecution; result?: NewInvocation['result'] } = {}): NewInvocation {
  return {
    id: uuidv7(), hook_id: hookId, received_at: at, source_ip: '127.0.0.1', method: 'POST', query: null, headers: '{}', body: '{}', body_size: 2,
    body_truncated: 0, result: options.result ?? 'accepted', reason: null, status_code: 200, test: false,
    limits: options.limits ?? [], execution: options.execution,
  };
}

async function hookOf(store: Store, jobId: string, triggerId: string) {
  const found = await store.getHookTarget(jobId);
  return found!.hooks.find((h) => h.trigger_id === triggerId)!;
}

for (const kind of STORE_KINDS) {
  describe(`hooks store contract: ${kind.name}`, () => {
    const t = storePerTest(kind);

    test("a job's hooks are written with it: kept ids, states kept unless given, removed ones deleted", async () => {
      await t.store.insertJob(jobWithHooks('j', [{ trigger_id: 'a' }, { trigger_id: 'b', enabled: false }]));
      const a = await hookOf(t.store, 'j', 'a');
      assert.deepEqual([a.enabled, (await hookOf(t.store, 'j', 'b')).enabled], [1, 0]);
      await t.store.setHookEnabled(a.id, false, T0 + 1);
      await t.store.upsertJob(jobWithHooks('j', [{ trigger_id: 'a', stop_after: ['failed'] }, { trigger_id: 'c' }], T0 + 2));
      const hooks = (await t.store.getHookTarget('j'))!.hooks;
      assert.deepEqual(hooks.map((h) => h.trigger_id), ['a', 'c']);
      assert.deepEqual([hooks[0].id, hooks[0].enabled, hooks[0].stop_after, hooks[0].created_at], [a.id, 0, ',failed,', T0]);
      await t.store.upsertJob(jobWithHooks('j', [{ trigger_id: 'a', enabled: true }], T0 + 3));
      assert.equal((await hookOf(t.store, 'j', 'a')).enabled, 1);
      assert.deepEqual((await t.store.listHooks({}, 10)).map((h) => h.trigger_id), ['a']);
      await t.store.deleteJob('j');
      assert.equal(await t.store.getHook(a.id), undefined);
    });

    test('hooks list by id with filters', async () => {
      await t.store.insertJob(jobWithHooks('x', [{ trigger_id: 'h1' }, { trigger_id: 'h2', enabled: false }]));
      await t.store.insertJob({ ...jobWithHooks('y', [{ trigger_id: 'h3' }]), namespace: 'other' });
      assert.equal((await t.store.listHooks({}, 10)).length, 3);
      assert.deepEqual((await t.store.listHooks({ namespace: 'other' }, 10)).map((h) => h.trigger_id), ['h3']);
      assert.deepEqual((await t.store.listHooks({ job_id: 'x', enabled: false }, 10)).map((h) => h.trigger_id), ['h2']);
      const [first] = await t.store.listHooks({}, 1);
      assert.equal((await t.store.listHooks({}, 10, first.id)).length, 2);
      assert.equal((await t.store.hooksOfJobs(['x', 'y'])).length, 3);
    });

    test('invocations count against their limits in order; one refused takes nothing', async () => {
      await t.store.insertJob(jobWithHooks('rl', [{ trigger_id: 'h' }]));
      const hook = await hookOf(t.store, 'rl', 'h');
      const limits = () => [limit('hook', 3), limit('namespace', 2)];
      const outcomes = await t.store.recordInvocations(
        [0, 1, 2].map((i) => invocation(hook.id, T0 + i, { limits: limits(), execution: execution('rl', hook.id, T0 + i) })),
        DAY,
      );
      assert.deepEqual(outcomes.map((o) => o.result), ['accepted', 'accepted', 'rate_limited']);
      assert.deepEqual([outcomes[2].status_code, outcomes[2].limited?.scope, outcomes[2].execution], [429, 'namespace', undefined]);
      // The refused call took nothing of the hook's limit: another namespace's window lets a third call in.
      const [third] = await t.store.recordInvocations([invocation(hook.id, T0 + 3, { limits: [limit('hook', 3), limit('namespace-2', 5)] })], DAY);
      assert.equal(third.result, 'accepted');
      const [fourth] = await t.store.recordInvocations([invocation(hook.id, T0 + 4, { limits: [limit('hook', 3)] })], DAY);
      assert.equal(fourth.result, 'rate_limited');
      const [nextWindow] = await t.store.recordInvocations([invocation(hook.id, T0 + 60_000, { limits: [limit('hook', 3, T0 + 60_000)] })], DAY);
      assert.equal(nextWindow.result, 'accepted');
      const log = await t.store.listInvocations(hook.id, 10);
      assert.equal(log.length, 6);
      assert.deepEqual(log.map((i) => i.result), ['accepted', 'rate_limited', 'accepted', 'rate_limited', 'accepted', 'accepted']);
      assert.equal(log[3].reason, 'over namespace');
      assert.equal(log[5].execution_status, 'pending');
      assert.equal(log[5].headers, null, 'a call that started an execution keeps its headers and body there');
      assert.equal(log[5].execution_trigger, '{"type":"webhook","body":null}');
      assert.equal(log[3].headers, '{}', 'a refused call keeps its own');
      assert.equal((await t.store.getHook(hook.id))!.last_triggered_at, T0 + 60_000);
      assert.equal((await t.store.listExecutions('rl', 10)).length, 2);
    });

    test('calls judged on a job that changed, or a hook disabled or deleted since, are stale and write nothing', async () => {
      await t.store.insertJob(jobWithHooks('moving', [{ trigger_id: 'h' }]));
      const hook = await hookOf(t.store, 'moving', 'h');
      const judged = (spec: string, options: { test?: boolean } = {}) => ({ ...invocation(hook.id, T0, { result: 'filtered' }), judged_spec: spec, ...options });
      const outcomes = await t.store.recordInvocations([judged(SPEC), judged('{"older":true}'), invocation(hook.id, T0, { execution: { ...execution('moving', hook.id, T0), spec: '{"older":true}' } })], DAY);
      assert.deepEqual(outcomes.map((o) => o.result), ['filtered', 'stale', 'stale']);
      await t.store.setHookEnabled(hook.id, false, T0);
      const [off, test, refusal] = await t.store.recordInvocations([judged(SPEC), judged(SPEC, { test: true }), invocation(hook.id, T0, { result: 'rejected' })], DAY);
      assert.deepEqual([off.result, test.result, refusal.result], ['stale', 'filtered', 'rejected'], 'a test event and a logged refusal need no enabled hook');
      await t.store.deleteJob('moving');
      const [gone] = await t.store.recordInvocations([invocation(hook.id, T0, { result: 'rejected' })], DAY);
      assert.equal(gone.result, 'stale');
      assert.equal((await t.store.listExecutions('moving', 10)).length, 0);
    });

    test('stopAfter: a final status the hook lists disables it when the run completes', async () => {
      await t.store.insertJob(jobWithHooks('stop', [{ trigger_id: 'h', stop_after: ['failed'] }]));
      const hook = await hookOf(t.store, 'stop', 'h');
      const e = execution('stop', hook.id, T0);
      await t.store.recordInvocations([invocation(hook.id, T0, { execution: e })], DAY);
      const [run] = await t.store.claimRuns('w', T0, 10, 100);
      assert.equal(run.hook_id, hook.id);
      const attempt = { id: uuidv7(), run_id: run.id, execution_id: e.id, attempt: 1, started_at: T0, duration_ms: 1, status_code: 500, error_code: null, error: 'HTTP 500', request: '{}', response_headers: null, response_body: null, response_truncated: 0, response_encoding: null, endpoint: null };
      await t.store.completeRuns([{ kind: 'task', task_name: run.name, notify: [], run_id: run.id, execution_id: e.id, job_id: run.job_id, namespace: run.namespace, owner: 'w', outcome: 'failed', error: 'HTTP 500', request: '{}', response: '{}', now: T0 + 5, hook_id: run.hook_id, attempt }]);
      const stopped = (await t.store.getHook(hook.id))!;
      assert.deepEqual([stopped.enabled, stopped.disabled_reason], [0, `stopAfter: execution ${e.id} failed`]);
    });

    if (kind.name === 'postgres') {
      test('a batch of hook calls on PostgreSQL is two statements whatever its size and its hooks: hooks and counters locked, rows written', async () => {
        await t.store.insertJob(jobWithHooks('a', [{ trigger_id: 'h' }]));
        await t.store.insertJob(jobWithHooks('b', [{ trigger_id: 'h' }]));
        const [ha, hb] = [await hookOf(t.store, 'a', 'h'), await hookOf(t.store, 'b', 'h')];
        const sent: SentStatement[] = [];
        const store = createSqlStore(recording(openPostgresDriver({ url: t.db.database, schema: t.db.schema }), sent), POSTGRES);
        try {
          const call = (hook: typeof ha, job: string, i: number) =>
            invocation(hook.id, T0 + i, { limits: [limit(`hook-${job}`, 9), limit('namespace', 15)], execution: execution(job, hook.id, T0 + i) });
          const keyed = call(ha, 'a', 0);
          keyed.execution!.idempotency_key = 'k1';
          const batch = [keyed, ...Array.from({ length: 19 }, (_, i) => (i % 2 === 0 ? call(ha, 'a', i + 1) : call(hb, 'b', i + 1)))];
          const outcomes = await store.recordInvocations(batch, DAY);
          // Two, and one more since a call carries an idempotency key: the batch's keys looked up.
          assert.equal(sent.length, 3);
          // The namespace's limit of 15 is reached before hook a's 9 (its calls are 0, 1, 3, 5, ...).
          assert.deepEqual(outcomes.map((o) => o.result), batch.map((_, i) => (i < 15 ? 'accepted' : 'rate_limited')));
          sent.length = 0;
          await store.recordInvocations([call(hb, 'b', 30)], DAY);
          assert.equal(sent.length, 2);
          sent.length = 0;
          const [unlimited] = await store.recordInvocations([invocation(ha.id, T0 + 31, { execution: execution('a', ha.id, T0 + 31) })], DAY);
          assert.deepEqual([unlimited.result, sent.length], ['accepted', 2]);
        } finally {
          await store.close();
        }
        const logged = [...(await t.store.listInvocations(ha.id, 50)), ...(await t.store.listInvocations(hb.id, 50))];
        assert.equal(logged.length, 22);
        assert.equal(logged.filter((i) => i.result === 'accepted' && i.execution_status === 'pending').length, 16);
        assert.equal((await t.store.listExecutions('a', 50)).length + (await t.store.listExecutions('b', 50)).length, 16);
        assert.equal((await t.store.getHook(hb.id))!.last_triggered_at, T0 + 30);
      });
    }

    if (kind.name === 'postgres') {
      test('a batch on PostgreSQL too large for one statement is written in several', async () => {
        await t.store.insertJob(jobWithHooks('a', [{ trigger_id: 'h' }]));
        const hook = await hookOf(t.store, 'a', 'h');
        // 200 calls of 30 tasks each: 6,000 runs, 102,000 parameters — PostgreSQL takes 65,535 in one statement.
        const wide = (i: number) => {
          const e = execution('a', hook.id, T0 + i);
          e.runs = Array.from({ length: 30 }, (_, r) => ({ ...e.runs[0], id: uuidv7(), name: `t${r}`, message_id: `msg_${e.id}_${r}` }));
          return invocation(hook.id, T0 + i, { execution: e });
        };
        const outcomes = await t.store.recordInvocations(Array.from({ length: 200 }, (_, i) => wide(i)), DAY);
        assert.ok(outcomes.every((o) => o.result === 'accepted'));
        const executions = await t.store.listExecutions('a', 500);
        assert.equal(executions.length, 200);
        assert.equal((await t.store.listRuns(executions[0].id)).length, 30);
      });

      test('batches of every size on PostgreSQL leave no long statement prepared on the connection', async () => {
        await t.store.insertJob(jobWithHooks('a', [{ trigger_id: 'h' }]));
        const hook = await hookOf(t.store, 'a', 'h');
        const driver = openPostgresDriver({ url: t.db.database, schema: t.db.schema, poolSize: 1 });
        const store = createSqlStore(driver, POSTGRES);
        try {
          for (let size = 1; size <= 80; size += 13) {
            const batch = Array.from({ length: size }, (_, i) => invocation(hook.id, T0 + i, { limits: [limit('hook', 1000)], execution: execution('a', hook.id, T0 + i) }));
            assert.ok((await store.recordInvocations(batch, DAY)).every((o) => o.result === 'accepted'));
          }
          const prepared = await driver.query<{ length: number }>('SELECT length(statement) AS length FROM pg_prepared_statements');
          assert.ok(prepared.length > 0, 'the short statements are prepared');
          assert.ok(prepared.every((p) => p.length <= MAX_PREPARED_LENGTH), `prepared: ${prepared.map((p) => p.length).join(', ')}`);
        } finally {
          await store.close();
        }
        assert.equal((await t.store.listExecutions('a', 500)).length, 1 + 14 + 27 + 40 + 53 + 66 + 79);
      });

      test('a batch on PostgreSQL locks its hooks before its counters, as every batch does, so two cannot wait on each other', async () => {
        await t.store.insertJob(jobWithHooks('a', [{ trigger_id: 'h' }]));
        const hook = await hookOf(t.store, 'a', 'h');
        const side = async () => {
          const client = new pg.Client({ connectionString: t.db.database, options: `-c search_path=${t.db.schema}` });
          await client.connect();
          return client;
        };
        const [holder, prober] = [await side(), await side()];
        try {
          const counter = limit('namespace', 10);
          await holder.query(`INSERT INTO rate_counts (scope, window_start, count) VALUES ($1, $2, 0)`, [counter.scope, counter.window_start]);
          await holder.query('BEGIN');
          await holder.query(`SELECT 1 FROM rate_counts WHERE scope = $1 FOR UPDATE`, [counter.scope]);
          const batch = t.store.recordInvocations([invocation(hook.id, T0, { limits: [counter], execution: execution('a', hook.id, T0) })], DAY);
          // While the batch waits for the counter, it already holds the hook.
          const probe = async () => prober.query(`SELECT 1 FROM hooks WHERE id = $1 FOR UPDATE NOWAIT`, [hook.id]).then(() => 'free', (err: Error) => err.message);
          let seen = await probe();
          for (let i = 0; i < 50 && seen === 'free'; i++) seen = await new Promise((r) => setTimeout(r, 20)).then(probe);
          assert.match(seen, /could not obtain lock on row in relation "hooks"/);
          await holder.query('COMMIT');
          assert.equal((await batch)[0].result, 'accepted');
        } finally {
          await holder.end();
          await prober.end();
        }
      });
    }

    test('pruning deletes, in batches, what is older than the cutoff and nothing newer or unfinished', async () => {
      await t.store.insertJob(jobWithHooks('old', [{ trigger_id: 'h' }]));
      const hook = await hookOf(t.store, 'old', 'h');
      const finished = execution('old', hook.id, T0);
      const unfinished = execution('old', hook.id, T0);
      await t.store.recordInvocations(
        [invocation(hook.id, T0, { execution: finished, limits: [limit('hook', 10)] }), invocation(hook.id, T0, { execution: unfinished }), invocation(hook.id, T0 + 10 * DAY)],
        DAY,
      );
      const [run] = await t.store.claimRuns('w', T0, 1, 100);
      const attempt = { id: uuidv7(), run_id: run.id, execution_id: run.execution_id, attempt: 1, started_at: T0, duration_ms: 1, status_code: 200, error_code: null, error: null, request: '{}', response_headers: null, response_body: null, response_truncated: 0, response_encoding: null, endpoint: null };
      await t.store.completeRuns([{ kind: 'task', task_name: run.name, notify: [], run_id: run.id, execution_id: run.execution_id, job_id: run.job_id, owner: 'w', namespace: run.namespace, outcome: 'succeeded', error: null, request: '{}', response: '{}', now: T0 + 1, hook_id: null, attempt }]);
      const cutoff = { finished_before: T0 + DAY, received_before: T0 + DAY, ticks_before: T0 + DAY, windows_before: T0 + DAY };
      assert.deepEqual((await t.store.prune(cutoff, 1)).counts, { invocations: 1, executions: 1, ticks: 0, rate_counts: 1, rollups: 1 });
      assert.deepEqual((await t.store.prune(cutoff, 1)).counts, { invocations: 1, executions: 0, ticks: 0, rate_counts: 0, rollups: 0 });
      assert.deepEqual((await t.store.prune(cutoff, 1)).counts, { invocations: 0, executions: 0, ticks: 0, rate_counts: 0, rollups: 0 });
      assert.deepEqual((await t.store.listExecutions('old', 10)).map((e) => e.id), [run.execution_id === finished.id ? unfinished.id : finished.id]);
      assert.deepEqual((await t.store.listInvocations(hook.id, 10)).map((i) => i.received_at), [T0 + 10 * DAY]);
      assert.deepEqual(await t.store.listAttempts(run.execution_id), []);
    });
  });
}
