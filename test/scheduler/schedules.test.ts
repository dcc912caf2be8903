import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { withNode } from '../support/fixture.js';
import { createJob, trigger, waitForExecution } from '../support/jobs.js';
import { executionsEnded, executionsOf, firedAt, getJob, ticksOf, ticksSettled } from '../support/schedules.js';
import { STORE_KINDS } from '../support/stores.js';

const T0 = Date.parse('2026-06-01T12:00:00Z');
const MIN = 60_000;
const at = (iso: string) => Date.parse(iso);

for (const kind of STORE_KINDS) {
  describe(`schedules: ${kind.name}`, () => {
    test('a cron job fires once per tick with the tick as ScheduledTime, and shows its next and last run', async () => {
      await withNode(kind, { startAt: T0 + 30_000 }, async ({ node, clock, receiver }) => {
        const body = '{"at": "{{.ScheduledTime}}", "job": "{{.JobID}}"}';
        const job = await createJob(node, { id: 'cron', schedule: '* * * * *', webhook: { url: receiver.url, body } });
        assert.equal(job.enabled, true);
        assert.equal(job.next_run_at, '2026-06-01T12:01:00.000Z');
        assert.equal(job.last_run_at, null);
        clock.set(T0 + MIN);
        const [first] = await receiver.waitFor(1);
        assert.deepEqual(JSON.parse(first.body), { at: '2026-06-01T12:01:00Z', job: 'cron' });
        await executionsEnded(node, 'cron', 1);
        clock.set(T0 + 2 * MIN + 4_000); // the call goes out late; ScheduledTime is still the tick's
        const [, second] = await receiver.waitFor(2);
        assert.deepEqual(JSON.parse(second.body), { at: '2026-06-01T12:02:00Z', job: 'cron' });
        const shown = await ticksSettled(node, 'cron', clock.now());
        assert.equal(shown.last_run_at, '2026-06-01T12:02:00.000Z');
        assert.equal(shown.next_run_at, '2026-06-01T12:03:00.000Z');
        const executions = await executionsOf(node, 'cron');
        assert.deepEqual(executions.map((e) => [e.scheduled_time, e.trigger.type]), [
          ['2026-06-01T12:01:00.000Z', 'schedule'],
          ['2026-06-01T12:02:00.000Z', 'schedule'],
        ]);
        assert.equal(receiver.requests.length, 2);
      });
    });

    test('six fields fire by the second; {every} keeps its interval; {at} fires once and is done', async () => {
      await withNode(kind, { startAt: T0 }, async ({ node, clock, receiver }) => {
        await createJob(node, { id: 'secs', schedule: '*/10 * * * * *', webhook: { url: receiver.url } });
        await createJob(node, { id: 'every', schedule: { every: '90s' }, webhook: { url: receiver.url } });
        const once = await createJob(node, { id: 'once', schedule: { at: '2026-06-01T12:02:00Z' }, webhook: { url: receiver.url } });
        assert.equal(once.next_run_at, '2026-06-01T12:02:00.000Z');
        for (let t = T0 + 10_000; t <= T0 + 3 * MIN; t += 10_000) {
          clock.set(t);
          for (const id of ['secs', 'every', 'once']) await ticksSettled(node, id, t);
        }
        assert.equal((await firedAt(node, 'secs')).length, 18);
        assert.deepEqual(await firedAt(node, 'every'), ['2026-06-01T12:01:30.000Z', '2026-06-01T12:03:00.000Z']);
        assert.deepEqual(await firedAt(node, 'once'), ['2026-06-01T12:02:00.000Z']);
        assert.equal((await getJob(node, 'once')).next_run_at, null);
      });
    });

    test('a 02:30 Europe/Berlin job fires once on the spring-forward day and once on the fall-back day', async () => {
      const start = at('2026-03-27T12:00:00Z');
      // The test spans seven months: retention would prune the spring's executions before the autumn.
      await withNode(kind, { startAt: start, config: { retention: 'off' } }, async ({ node, clock }) => {
        // misfire: skip, so the jump over the summer between the two weekends fires nothing.
        const schedule = { cron: '30 2 * * *', timezone: 'Europe/Berlin' };
        await createJob(node, { id: 'berlin', schedule, misfire: 'skip', webhook: { url: 'http://127.0.0.1:9/' } });
        // Quarter-hour steps over both weekends, as a clock would pass through them.
        for (const [from, to] of [[start, at('2026-03-31T00:00:00Z')], [at('2026-10-23T12:00:00Z'), at('2026-10-27T00:00:00Z')]]) {
          for (let t = from; t <= to; t += 15 * MIN) {
            clock.set(t);
            await ticksSettled(node, 'berlin', t);
          }
        }
        assert.deepEqual(await firedAt(node, 'berlin'), [
          '2026-03-28T01:30:00.000Z', // 02:30 CET
          '2026-03-29T01:00:00.000Z', // 02:30 does not exist: 03:00 CEST, right after the gap
          '2026-03-30T00:30:00.000Z', // 02:30 CEST
          '2026-10-24T00:30:00.000Z', // 02:30 CEST
          '2026-10-25T00:30:00.000Z', // 02:30 happens twice: only the first fires
          '2026-10-26T01:30:00.000Z', // 02:30 CET
        ]);
      });
    });

    test('month ends: the 31st skips shorter months, L is the last day of each', async () => {
      const start = at('2026-01-30T00:00:00Z');
      await withNode(kind, { startAt: start, config: { retention: 'off' } }, async ({ node, clock }) => {
        await createJob(node, { id: 'the-31st', schedule: '0 9 31 * *', webhook: { url: 'http://127.0.0.1:9/' } });
        await createJob(node, { id: 'last-day', schedule: '0 9 L * *', webhook: { url: 'http://127.0.0.1:9/' } });
        for (let t = start; t <= at('2026-05-01T00:00:00Z'); t += 12 * 60 * MIN) {
          clock.set(t);
          for (const id of ['the-31st', 'last-day']) await ticksSettled(node, id, t);
        }
        assert.deepEqual(await firedAt(node, 'the-31st'), ['2026-01-31T09:00:00.000Z', '2026-03-31T09:00:00.000Z']);
        assert.deepEqual(await firedAt(node, 'last-day'), [
          '2026-01-31T09:00:00.000Z', '2026-02-28T09:00:00.000Z', '2026-03-31T09:00:00.000Z', '2026-04-30T09:00:00.000Z',
        ]);
      });
    });

    test('a clock that jumps back does not fire a tick a second time, even when the schedule is set again', async () => {
      await withNode(kind, { startAt: T0 + 30_000 }, async ({ node, clock, receiver }) => {
        await createJob(node, { id: 'back', schedule: '* * * * *', webhook: { url: receiver.url } });
        clock.set(T0 + MIN);
        await executionsEnded(node, 'back', 1);
        clock.set(T0 + 10_000); // back 50 s
        const res = await node.api('PUT', '/api/v1/jobs/back', { schedule: '*/1 * * * *', webhook: { url: receiver.url } });
        assert.equal(res.status, 200);
        assert.equal(res.body.next_run_at, '2026-06-01T12:01:00.000Z', 'the new schedule starts from the clock as it now reads');
        clock.set(T0 + MIN); // 12:01 again
        await ticksSettled(node, 'back', clock.now());
        clock.set(T0 + 2 * MIN);
        await executionsEnded(node, 'back', 2);
        assert.deepEqual(await firedAt(node, 'back'), ['2026-06-01T12:01:00.000Z', '2026-06-01T12:02:00.000Z']);
        assert.equal(receiver.requests.length, 2);
      });
    });

    test('pause stops the firing, resume starts again from now; ?enabled= lists either', async () => {
      await withNode(kind, { startAt: T0 + 30_000 }, async ({ node, clock, receiver }) => {
        await createJob(node, { id: 'pausable', schedule: '* * * * *', webhook: { url: receiver.url } });
        await createJob(node, { id: 'steady', schedule: '* * * * *', webhook: { url: receiver.url } });
        const paused = await node.api('POST', '/api/v1/jobs/pausable/pause');
        assert.equal(paused.status, 200);
        assert.equal(paused.body.enabled, false);
        assert.equal(paused.body.next_run_at, null);
        const listed = (q: string) => node.api('GET', `/api/v1/jobs?enabled=${q}`).then((r) => r.body.items.map((j: any) => j.id));
        assert.deepEqual(await listed('false'), ['pausable']);
        assert.deepEqual(await listed('true'), ['steady']);
        clock.set(T0 + 3 * MIN);
        await ticksSettled(node, 'steady', clock.now()); // the pass that would have fired both has run
        assert.deepEqual(await firedAt(node, 'pausable'), []);
        const resumed = await node.api('POST', '/api/v1/jobs/pausable/resume');
        assert.equal(resumed.body.enabled, true);
        assert.equal(resumed.body.next_run_at, '2026-06-01T12:04:00.000Z', 'ticks passed while paused are not made up');
        clock.set(T0 + 4 * MIN);
        await ticksSettled(node, 'pausable', clock.now());
        assert.deepEqual(await firedAt(node, 'pausable'), ['2026-06-01T12:04:00.000Z']);
        assert.equal((await node.api('GET', '/api/v1/jobs?enabled=maybe')).body.error.field, 'enabled');
        assert.equal((await node.api('POST', '/api/v1/jobs/nope/pause')).status, 404);
        const viaPut = await node.api('PUT', '/api/v1/jobs/steady', { schedule: '* * * * *', enabled: false, webhook: { url: receiver.url } });
        assert.equal(viaPut.body.enabled, false);
        assert.equal(viaPut.body.next_run_at, null);
      });
    });

    test('changing or deleting a schedule takes effect at the next tick; a scheduled job can still be triggered', async () => {
      await withNode(kind, { startAt: T0 + 30_000 }, async ({ node, clock, receiver }) => {
        await createJob(node, { id: 'changes', schedule: '* * * * *', webhook: { url: receiver.url } });
        await createJob(node, { id: 'doomed', schedule: '* * * * *', webhook: { url: receiver.url } });
        const manual = await trigger(node, 'changes');
        assert.equal((await waitForExecution(node, 'changes', manual)).trigger.type, 'manual');
        const replaced = await node.api('PUT', '/api/v1/jobs/changes', { schedule: '0 * * * *', webhook: { url: receiver.url } });
        assert.equal(replaced.body.next_run_at, '2026-06-01T13:00:00.000Z');
        assert.equal((await node.api('DELETE', '/api/v1/jobs/doomed')).status, 204);
        clock.set(T0 + 5 * MIN);
        await ticksSettled(node, 'changes', clock.now());
        assert.equal((await executionsOf(node, 'changes')).length, 1, 'only the manual one');
        clock.set(T0 + 60 * MIN);
        await ticksSettled(node, 'changes', clock.now());
        assert.deepEqual((await executionsEnded(node, 'changes', 2)).map((e) => e.trigger.type), ['manual', 'schedule']);
        assert.equal(receiver.requests.length, 2);
      });
    });

    test('bad schedules are refused with the field and the reason, and nothing is written', async () => {
      await withNode(kind, { startAt: T0 }, async ({ node }) => {
        const cases: Array<[unknown, string, RegExp]> = [
          ['61 * * * *', 'schedule', /minute/],
          ['* * * *', 'schedule', /5 fields/],
          ['* * * * * * *', 'schedule', /5 fields/],
          [{ cron: '0 2 * * *', timezone: 'Europe/Atlantis' }, 'schedule.timezone', /time zone/],
          [{ cron: 'often', timezone: 'UTC' }, 'schedule.cron', /cron/],
          [{ every: 'soon' }, 'schedule.every', /duration/],
          [{ every: '500ms' }, 'schedule.every', /must be from 1s to 366d/],
          [{ every: '400d' }, 'schedule.every', /must be from 1s to 366d/],
          [{ at: 'tomorrow' }, 'schedule.at', /RFC 3339/],
          [{ at: '2026-05-01T00:00:00Z' }, 'schedule.at', /in the past/],
          [{ when: 'now' }, 'schedule', /cron string/],
          [{ cron: '* * * * *', every: '5m' }, 'schedule.every', /not a field of this schedule/],
        ];
        for (const [schedule, field, reason] of cases) {
          const res = await node.api('POST', '/api/v1/jobs', { id: 'bad', schedule, webhook: { url: 'http://127.0.0.1:9/' } });
          assert.equal(res.status, 400, `${JSON.stringify(schedule)}: ${res.text}`);
          assert.equal(res.body.error.field, field, JSON.stringify(res.body));
          assert.match(res.body.error.message, reason);
        }
        for (const [key, value] of [['misfire', 'sometimes'], ['overlap', 'never'], ['catch_up_limit', 0]] as const) {
          const res = await node.api('POST', '/api/v1/jobs', { id: 'bad', schedule: '* * * * *', [key]: value, webhook: { url: 'http://127.0.0.1:9/' } });
          assert.equal(res.status, 400);
          assert.equal(res.body.error.field, key);
        }
        assert.equal((await node.api('GET', '/api/v1/jobs/bad')).status, 404);
      });
    });

    test("ticks beyond the worker's free slots wait as pending runs and are claimed when a slot frees", async () => {
      let release: () => void = () => {};
      const held = new Promise<void>((r) => (release = r));
      const responder = async (req: { n: number }) => (req.n === 1 ? held : undefined);
      await withNode(kind, { startAt: T0 + 30_000, config: { worker: { concurrency: 1 } }, responder }, async ({ node, clock, receiver }) => {
        for (const id of ['first', 'second', 'third']) await createJob(node, { id, schedule: '* * * * *', webhook: { url: receiver.url } });
        clock.set(T0 + MIN);
        await receiver.waitFor(1); // one slot: one call held open, two ticks waiting
        for (const id of ['first', 'second', 'third']) await ticksSettled(node, id, clock.now());
        assert.equal(receiver.requests.length, 1);
        release();
        await receiver.waitFor(3);
        for (const id of ['first', 'second', 'third']) assert.deepEqual((await executionsEnded(node, id, 1)).map((e) => e.status), ['succeeded']);
      });
    });

    test('a job whose stored schedule cannot be worked out stops alone, with an error logged', async () => {
      await withNode(kind, { startAt: T0 + 30_000 }, async ({ node, clock, receiver }) => {
        await createJob(node, { id: 'fine', schedule: '* * * * *', webhook: { url: receiver.url } });
        const spec = JSON.stringify({ id: 'broken', name: 'broken', namespace: 'default', schedule: 'not a cron', webhook: { url: receiver.url, method: 'POST', headers: {} } });
        await node.app.store.insertJob({ id: 'broken', namespace: 'default', name: 'broken', spec, enabled: 1, next_run_at: T0 + MIN, created_at: T0, updated_at: T0 });
        clock.set(T0 + MIN);
        await executionsEnded(node, 'fine', 1);
        const broken = await ticksSettled(node, 'broken', clock.now());
        assert.equal(broken.next_run_at, null);
        assert.deepEqual(await firedAt(node, 'broken'), []);
        assert.ok(node.logs.some((l) => l.includes('cannot be worked out') && l.includes('"job":"broken"')));
      });
    });

    test('the tick record shows what fired', async () => {
      await withNode(kind, { startAt: T0 + 30_000 }, async ({ node, clock, receiver }) => {
        await createJob(node, { id: 'recorded', schedule: '* * * * *', webhook: { url: receiver.url } });
        clock.set(T0 + MIN);
        await ticksSettled(node, 'recorded', clock.now());
        const [tick] = await ticksOf(node, 'recorded');
        const [execution] = await executionsOf(node, 'recorded');
        assert.deepEqual({ ...tick, recorded_at: undefined }, {
          scheduled_for: '2026-06-01T12:01:00.000Z', status: 'fired', execution_id: execution.id, recorded_at: undefined,
        });
      });
    });
  });
}
