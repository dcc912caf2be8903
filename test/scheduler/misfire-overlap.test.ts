import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { withNode } from '../support/fixture.js';
import { createJob } from '../support/jobs.js';
import { executionsEnded, firedAt, ticksOf, ticksSettled } from '../support/schedules.js';
import { STORE_KINDS } from '../support/stores.js';

const T0 = Date.parse('2026-06-01T12:00:00Z');
const MIN = 60_000;
const minutes = (...m: number[]) => m.map((n) => new Date(T0 + n * MIN).toISOString());

for (const kind of STORE_KINDS) {
  describe(`misfire and overlap: ${kind.name}`, () => {
    test('ticks missed while no node ran: skip fires none, run_once the latest, catch_up the latest N', async () => {
      await withNode(kind, { startAt: T0 + 30_000 }, async ({ node, clock, receiver }) => {
        const webhook = { url: receiver.url };
        await createJob(node, { id: 'skip', schedule: '* * * * *', misfire: 'skip', webhook });
        await createJob(node, { id: 'once', schedule: '* * * * *', webhook }); // run_once is the default
        await createJob(node, { id: 'catch-up', schedule: '* * * * *', misfire: 'catch_up', catch_up_limit: 3, webhook });
        // The clock moves 10.5 minutes at once: to the scheduler, every node was down meanwhile.
        clock.set(T0 + 10 * MIN + 30_000);
        for (const id of ['skip', 'once', 'catch-up']) await ticksSettled(node, id, clock.now());
        assert.deepEqual(await firedAt(node, 'skip'), []);
        assert.deepEqual(await firedAt(node, 'once'), minutes(10));
        assert.deepEqual(await firedAt(node, 'catch-up'), minutes(8, 9, 10));
        const missed = async (id: string) => (await ticksOf(node, id)).filter((t) => t.status === 'missed');
        assert.deepEqual(await missed('skip'), [
          { scheduled_for: minutes(1)[0], status: 'missed', execution_id: null, missed_until: minutes(10)[0], missed_count: 10, recorded_at: new Date(clock.now()).toISOString() },
        ]);
        assert.equal((await missed('once'))[0].missed_count, 9);
        assert.equal((await missed('catch-up'))[0].missed_count, 7);
        await executionsEnded(node, 'catch-up', 3);
        clock.set(T0 + 11 * MIN);
        await ticksSettled(node, 'once', clock.now());
        assert.deepEqual(await firedAt(node, 'once'), minutes(10, 11), 'then on schedule again');
      });
    });

    test('overlap: skip records a tick that came while the previous execution ran, and fires the next one', async () => {
      let release: () => void = () => {};
      const held = new Promise<void>((r) => (release = r));
      await withNode(kind, { startAt: T0 + 30_000, responder: async (req) => (req.n === 1 ? held : undefined) }, async ({ node, clock, receiver }) => {
        await createJob(node, { id: 'no-overlap', schedule: '* * * * *', overlap: 'skip', webhook: { url: receiver.url, timeout: '5m' } });
        clock.set(T0 + MIN);
        await receiver.waitFor(1); // the 12:01 call is held open
        clock.set(T0 + 2 * MIN);
        await ticksSettled(node, 'no-overlap', clock.now());
        const ticks = await ticksOf(node, 'no-overlap');
        assert.deepEqual(ticks.map((t) => [t.scheduled_for, t.status]), [
          [minutes(2)[0], 'skipped_overlap'],
          [minutes(1)[0], 'fired'],
        ]);
        assert.equal(node.logs.some((l) => l.includes('tick skipped') && l.includes('"job":"no-overlap"')), true, 'and logged');
        release();
        await executionsEnded(node, 'no-overlap', 1);
        clock.set(T0 + 3 * MIN);
        await executionsEnded(node, 'no-overlap', 2);
        assert.deepEqual(await firedAt(node, 'no-overlap'), minutes(1, 3));
      });
    });

    test('overlap: allow (the default) starts the next tick while the previous execution runs', async () => {
      let release: () => void = () => {};
      const held = new Promise<void>((r) => (release = r));
      await withNode(kind, { startAt: T0 + 30_000, responder: async (req) => (req.n === 1 ? held : undefined) }, async ({ node, clock, receiver }) => {
        await createJob(node, { id: 'overlapping', schedule: '* * * * *', webhook: { url: receiver.url, timeout: '5m' } });
        clock.set(T0 + MIN);
        await receiver.waitFor(1);
        clock.set(T0 + 2 * MIN);
        await receiver.waitFor(2);
        release();
        await executionsEnded(node, 'overlapping', 2);
        assert.deepEqual(await firedAt(node, 'overlapping'), minutes(1, 2));
      });
    });
  });
}
