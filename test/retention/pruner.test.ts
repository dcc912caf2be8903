import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pg from 'pg';
import { createPruner } from '../../src/retention/pruner.js';
import { withNode } from '../support/fixture.js';
import { createHookJob, hookUrl, invocationsOf } from '../support/hooks.js';
import { createJob, waitForExecution } from '../support/jobs.js';
import { reply } from '../support/receiver.js';
import { executionsOf, ticksOf } from '../support/schedules.js';
import { sideStatements } from '../support/side-database.js';
import { STORE_KINDS, type TestDatabase } from '../support/stores.js';
import { waitUntil } from '../support/wait.js';

const START = Date.parse('2026-06-01T12:00:00Z');
const DAY = 86_400_000;

for (const kind of STORE_KINDS) {
  describe(`retention: ${kind.name}`, () => {
    test('finished executions, invocations and ticks older than the retention go; unfinished executions stay', async () => {
      await withNode(kind, { startAt: START, config: { retention: '30d' } }, async ({ node, clock, receiver }) => {
        const hookId = await createHookJob(node, { id: 'hooked', webhook: { url: receiver.url } });
        const called = await node.api('POST', hookUrl('default', 'hooked'), {});
        await waitForExecution(node, 'hooked', called.body.id);
        await createJob(node, { id: 'ticking', schedule: { every: '1m' }, misfire: 'skip', webhook: { url: receiver.url } });
        clock.set(START + 60_000);
        await waitUntil(async () => (await executionsOf(node, 'ticking')).some((e) => e.status === 'succeeded'));
        receiver.respond(reply(503));
        const stuck = await createJob(node, { id: 'stuck', retry_policy: { max_attempts: 2, initial_interval: '60d', max_interval: '60d' }, webhook: { url: receiver.url } });
        const pending = await node.api('POST', `/api/v1/jobs/${stuck.id}/trigger`, {});
        await waitForExecution(node, 'stuck', pending.body.id, (e) => e.status === 'retrying');

        clock.set(START + 29 * DAY);
        await node.app.pruner.pruneNow();
        assert.equal((await executionsOf(node, 'hooked')).length, 1, 'not yet 30 days old');

        clock.set(START + 31 * DAY);
        await waitUntil(async () => (await invocationsOf(node, hookId)).length === 0, 10_000, 'the pruner to run on the clock');
        await waitUntil(async () => (await executionsOf(node, 'hooked')).length === 0);
        // The scheduler records the ticks it missed over the jump as it finds them, which may be just
        // after the pruner ran: such a record goes at the pruner's next pass.
        await waitUntil(
          async () => (await node.app.pruner.pruneNow(), (await ticksOf(node, 'ticking')).every((t) => Date.parse(t.scheduled_for) > START + DAY)),
          10_000,
          'old ticks to go',
        );
        assert.equal((await executionsOf(node, 'ticking')).filter((e) => Date.parse(e.scheduled_time) < START + DAY).length, 0);
        assert.deepEqual((await executionsOf(node, 'stuck')).map((e) => e.status), ['retrying'], 'an unfinished execution is kept');
      });
    });

    test('a long backlog is pruned a small batch first, and stopping the pruner does not wait for the rest of it', async () => {
      await withNode(kind, { startAt: START, config: { retention: '30d' } }, async ({ node, clock, receiver }) => {
        await createJob(node, { id: 'many', webhook: { url: receiver.url } });
        for (let i = 0; i < 300; i += 50) await Promise.all(Array.from({ length: 50 }, () => node.app.trigger('many', { type: 'manual', body: null })));
        const finished = async () => (await node.app.store.findExecutions({ job_id: 'many', status: 'succeeded' }, 500)).rows.length;
        await waitUntil(async () => (await finished()) === 300, 20_000, 'every execution to end');
        await node.app.pruner.stop(); // the node's own pruner would prune the backlog too
        clock.set(START + 31 * DAY);
        const calls: number[] = [];
        let stopped: Promise<void> | undefined;
        const pruner = createPruner({
          store: node.app.store, clock, log: node.app.log, options: { retentionMs: 30 * DAY, intervalMs: 3_600_000, batch: 1000 },
          onCall: (ms) => (calls.push(ms), (stopped ??= pruner.stop())),
        });
        pruner.start();
        await waitUntil(async () => stopped !== undefined);
        await stopped;
        assert.equal(calls.length, 1, 'no call after the stop');
        const left = await node.app.store.findExecutions({ job_id: 'many' }, 500);
        assert.equal(left.rows.length, 200, 'the first batch is 100 executions, and the rest waits for the next start');
        // A pass called directly stops alike, after its call in hand.
        const direct = pruner.pruneNow();
        await pruner.stop();
        assert.equal((await direct).executions, 100);
        const rest = await pruner.pruneNow();
        assert.equal(rest.executions, 100);
      });
    });

    test('where the database does not reuse freed space by itself, the pruned tables are vacuumed', async () => {
      await withNode(kind, { startAt: START, config: { retention: '30d' } }, async ({ db, node, clock, receiver }) => {
        const hookId = await createHookJob(node, { id: 'hooked', webhook: { url: receiver.url } });
        const called = await node.api('POST', hookUrl('default', 'hooked'), {});
        await waitForExecution(node, 'hooked', called.body.id);
        await node.app.pruner.stop();
        if (kind.name === 'sqlite') {
          assert.equal(await node.app.store.reclaim('executions'), false, 'SQLite reuses the pages a delete frees');
          return;
        }
        // autovacuum off for this store's executions table, whatever the server's setting.
        await sideStatements(db, ['ALTER TABLE executions SET (autovacuum_enabled = false)']);
        clock.set(START + 31 * DAY);
        const pruned = await node.app.pruner.pruneNow();
        assert.deepEqual([pruned.executions, pruned.invocations], [1, 1]);
        assert.equal((await invocationsOf(node, hookId)).length, 0);
        const vacuumed = await vacuumedTables(db);
        for (const table of ['executions', 'runs', 'attempts', 'invocations']) assert.ok(vacuumed.includes(table), `${table} vacuumed: ${vacuumed}`);
        await sideStatements(db, ['ALTER TABLE executions RESET (autovacuum_enabled)']);
        const serverAutovacuum = await sideQuery(db, `SELECT current_setting('autovacuum') AS on`);
        assert.equal(await node.app.store.reclaim('executions'), serverAutovacuum[0].on === 'off', 'left to autovacuum when it is on');
      });
    });

    test('retention: off keeps everything', async () => {
      await withNode(kind, { startAt: START, config: { retention: 'off' } }, async ({ node, clock, receiver }) => {
        const hookId = await createHookJob(node, { id: 'kept', webhook: { url: receiver.url } });
        const called = await node.api('POST', hookUrl('default', 'kept'), {});
        await waitForExecution(node, 'kept', called.body.id);
        clock.set(START + 400 * DAY);
        await node.app.pruner.pruneNow();
        assert.equal((await executionsOf(node, 'kept')).length, 1);
        assert.equal((await invocationsOf(node, hookId)).length, 1);
      });
    });
  });
}

/** The store's tables PostgreSQL's statistics show vacuumed by hand, once they show any (they are written within a second or so). */
async function vacuumedTables(db: TestDatabase): Promise<string[]> {
  let tables: string[] = [];
  await waitUntil(async () => {
    const rows = await sideQuery(db, `SELECT relname FROM pg_stat_user_tables WHERE schemaname = '${db.schema}' AND vacuum_count > 0`);
    tables = rows.map((r) => String(r.relname));
    return tables.length >= 4;
  }, 10_000, 'the statistics to show the vacuums');
  return tables.sort();
}

async function sideQuery(db: TestDatabase, sql: string): Promise<Array<Record<string, unknown>>> {
  const client = new pg.Client(db.database);
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}
