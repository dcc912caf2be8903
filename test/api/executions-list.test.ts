import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openSideDatabase } from '../support/side-database.js';
import { findExecutionsQuery, lastExecutionsQuery, SCAN_LIMIT } from '../../src/store/execution-queries.js';
import { v7 as uuidv7 } from 'uuid';
import { ENDPOINT_ATTEMPT_STATS, LIST_ENDPOINT_ATTEMPTS } from '../../src/store/endpoint-attempts.js';
import { withNode } from '../support/fixture.js';
import { createJob, trigger, waitForExecution } from '../support/jobs.js';
import { KEY, hookUrl } from '../support/hooks.js';
import { STORE_KINDS } from '../support/stores.js';

const T0 = Date.parse('2026-06-01T12:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

for (const kind of STORE_KINDS) {
  describe(`executions across jobs: ${kind.name}`, () => {
    test('filters by status, job, namespace, trigger, time and error text, newest first, in pages; unknown values are 400', async () => {
      await withNode(kind, { startAt: T0 }, async ({ node, clock, receiver }) => {
        receiver.respond((req, res) => void res.writeHead(req.path === '/fail' ? 500 : 200).end());
        await createJob(node, { id: 'ok', namespace: 'team-a', webhook: { url: `${receiver.url}/ok` }, triggers: [{ type: 'webhook', key: KEY }] });
        await createJob(node, { id: 'bad', namespace: 'team-b', retry_policy: { max_attempts: 1 }, webhook: { url: `${receiver.url}/fail` } });
        const made: Array<{ id: string; job: string; at: number }> = [];
        for (let i = 0; i < 6; i++) {
          clock.set(T0 + i * 60_000);
          const job = i % 2 === 0 ? 'ok' : 'bad';
          const id = await trigger(node, job, { i });
          await waitForExecution(node, job, id);
          made.push({ id, job, at: T0 + i * 60_000 });
        }
        clock.set(T0 + 6 * 60_000);
        const hooked = await node.api('POST', hookUrl('team-a', 'ok'), { via: 'hook' });
        assert.equal(hooked.status, 200);
        await waitForExecution(node, 'ok', hooked.body.id);
        made.push({ id: hooked.body.id, job: 'ok', at: T0 + 6 * 60_000 });

        const ids = async (query: string) => {
          const res = await node.api('GET', `/api/v1/executions${query}`);
          assert.equal(res.status, 200, res.text);
          return res.body.items.map((e: { id: string }) => e.id);
        };
        const newestFirst = [...made].reverse();
        assert.deepEqual(await ids(''), newestFirst.map((m) => m.id));
        assert.deepEqual(await ids('?status=failed'), newestFirst.filter((m) => m.job === 'bad').map((m) => m.id));
        assert.deepEqual(await ids('?status=succeeded&namespace=team-a'), newestFirst.filter((m) => m.job === 'ok').map((m) => m.id));
        assert.deepEqual(await ids('?job=bad'), newestFirst.filter((m) => m.job === 'bad').map((m) => m.id));
        assert.deepEqual(await ids('?trigger=webhook'), [hooked.body.id]);
        assert.deepEqual(await ids('?trigger=manual&namespace=team-b&status=succeeded'), []);
        assert.deepEqual(await ids(`?since=${iso(T0 + 2 * 60_000)}&until=${iso(T0 + 4 * 60_000)}`), [made[3].id, made[2].id]);
        assert.deepEqual(await ids('?error=http%20500'), newestFirst.filter((m) => m.job === 'bad').map((m) => m.id), 'error text matches in any case');
        assert.deepEqual(await ids('?error=100%25'), [], '% is matched as itself');

        const pages: string[] = [];
        let cursor: string | null = null;
        do {
          const res = await node.api('GET', `/api/v1/executions?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
          pages.push(...res.body.items.map((e: { id: string }) => e.id));
          cursor = res.body.next_cursor;
        } while (cursor);
        assert.deepEqual(pages, newestFirst.map((m) => m.id));

        // One failed execution run again by hand: `trigger=retry` lists it, with when it was.
        assert.deepEqual(await ids('?trigger=retry'), []);
        receiver.respond((_req, res) => void res.writeHead(200).end());
        clock.set(T0 + 7 * 60_000);
        const retried = await node.api('POST', `/api/v1/jobs/bad/executions/${made[1].id}/retry`);
        assert.equal(retried.status, 202, retried.text);
        assert.equal(retried.body.retried_at, iso(T0 + 7 * 60_000));
        await waitForExecution(node, 'bad', made[1].id);
        assert.deepEqual(await ids('?trigger=retry'), [made[1].id]);
        assert.deepEqual(await ids('?trigger=retry&status=succeeded&namespace=team-b'), [made[1].id]);
        receiver.respond((req, res) => void res.writeHead(req.path === '/fail' ? 500 : 200).end());

        const perJob = await node.api('GET', '/api/v1/jobs/ok/executions?trigger=manual&limit=10');
        assert.deepEqual(perJob.body.items.map((e: { id: string }) => e.id), newestFirst.filter((m) => m.job === 'ok' && m.id !== hooked.body.id).map((m) => m.id));
        assert.equal(perJob.body.items[0].job_id, 'ok');

        for (const [path, field] of [
          ['/api/v1/executions?status=broken', 'status'],
          ['/api/v1/executions?trigger=cron', 'trigger'],
          ['/api/v1/executions?since=yesterday', 'since'],
          ['/api/v1/executions?stauts=failed', 'stauts'],
          ['/api/v1/executions?status=failed&status=succeeded', 'status'],
          ['/api/v1/jobs/ok/executions?job=bad', 'job'],
          ['/api/v1/executions?cursor=WzFd', 'cursor'],
        ]) {
          const res = await node.api('GET', path);
          assert.equal(res.status, 400, `${path}: ${res.text}`);
          assert.equal(res.body.error.field, field, path);
        }
      });
    });
  });
}

for (const kind of STORE_KINDS) {
  describe(`executions across jobs, a search that matches rarely: ${kind.name}`, () => {
    test(`a page examines at most ${SCAN_LIMIT} executions when filters are checked row by row, and its cursor goes on from there`, async () => {
      await withNode(kind, { startAt: T0 }, async ({ node, receiver }) => {
        receiver.respond((_req, res) => void res.writeHead(500).end());
        await createJob(node, { id: 'needle', retry_policy: { max_attempts: 1 }, webhook: { url: receiver.url } });
        await createJob(node, { id: 'hay', webhook: { url: receiver.url } });
        const needle = await trigger(node, 'needle');
        assert.equal((await waitForExecution(node, 'needle', needle)).status, 'failed');
        // Newer executions than the needle, more than one page examines (without runs: nothing calls out).
        for (let batch = 0; batch < 6; batch++) {
          const made = Array.from({ length: 1000 }, (_, i) => ({
            id: uuidv7(), job_id: 'hay', namespace: 'default', trigger_type: 'manual', trigger: '{"type":"manual","body":null}', spec: '{}',
            scheduled_time: T0, created_at: T0 + 1 + batch * 1000 + i, runs: [],
          }));
          await node.app.store.createExecutions(made, 1000);
        }
        const first = await node.api('GET', '/api/v1/executions?error=500');
        assert.equal(first.status, 200, first.text);
        assert.deepEqual(first.body.items, [], 'none among the newest examined');
        assert.notEqual(first.body.next_cursor, null, 'the search goes on');
        const second = await node.api('GET', `/api/v1/executions?error=500&cursor=${first.body.next_cursor}`);
        assert.deepEqual([second.body.items.map((e: { id: string }) => e.id), second.body.next_cursor], [[needle], null]);

        // Two filters with an index each: one leads, the other is checked; so too a trigger filter.
        const rare = await node.api('GET', '/api/v1/executions?job=hay&status=failed');
        assert.deepEqual([rare.body.items, typeof rare.body.next_cursor], [[], 'string']);
        const rest = await node.api('GET', `/api/v1/executions?job=hay&status=failed&cursor=${rare.body.next_cursor}`);
        assert.deepEqual([rest.body.items, rest.body.next_cursor], [[], null]);
        const scheduled = await node.api('GET', '/api/v1/executions?trigger=schedule');
        assert.deepEqual([scheduled.body.items, typeof scheduled.body.next_cursor], [[], 'string']);
        // A filter an index answers alone fills its pages.
        const hay = await node.api('GET', '/api/v1/executions?job=hay&limit=200');
        assert.equal(hay.body.items.length, 200);
      });
    });
  });
}

describe('executions across jobs and endpoints\' attempts: the listings read an index', () => {
  test('SQLite answers each filter from an index, never by scanning the table', async () => {
    await withNode(STORE_KINDS[0], {}, async ({ db }) => {
      const side = openSideDatabase(db.file!, { readonly: true });
      try {
        for (const filter of [{}, { status: 'failed' as const }, { namespace: 'n' }, { job_id: 'j' }, { status: 'failed' as const, error: 'x', trigger_type: 'manual' }, { retried: true }, { job_id: 'j', namespace: 'n', status: 'failed' as const }, { error: 'x', since: 1 }]) {
          const { sql, params, boundary } = findExecutionsQuery(filter, 50, { created_at: 1, id: 'x' });
          const plan = (side.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map((p) => p.detail);
          // The table is read through an index; what the walk yields (a co-routine, when filters are checked on it) is read in its order.
          const reads = plan.filter((d) => /^(SCAN|SEARCH) executions\b/.test(d));
          const walked = plan.includes('CO-ROUTINE executions') ? reads.slice(0, -1) : reads;
          assert.ok(walked.length > 0 && walked.every((d) => /USING (COVERING )?INDEX/.test(d)), `${JSON.stringify(filter)}: ${JSON.stringify(plan)}`);
          assert.ok(!plan.some((d) => /TEMP B-TREE/.test(d)), `${JSON.stringify(filter)}: no sort: ${JSON.stringify(plan)}`);
          if (!boundary) continue;
          const edge = (side.prepare(`EXPLAIN QUERY PLAN ${boundary.sql}`).all(...boundary.params) as Array<{ detail: string }>).map((p) => p.detail);
          assert.ok(edge.length === 1 && /USING COVERING INDEX/.test(edge[0]), `${JSON.stringify(filter)} boundary: ${JSON.stringify(edge)}`);
        }
        // The jobs list's last outcome: each job's latest execution from the (job_id, created_at, id) index.
        const last = side.prepare(`EXPLAIN QUERY PLAN ${lastExecutionsQuery(2)}`).all('a', 'b') as Array<{ detail: string }>;
        assert.ok(last.some((p) => /SEARCH e USING INDEX executions_job_created/.test(p.detail)), JSON.stringify(last));
        // An endpoint's attempts: from the (endpoint, started_at, id) index; their figures: from its counts' key.
        const attempts = side.prepare(`EXPLAIN QUERY PLAN ${LIST_ENDPOINT_ATTEMPTS}`).all('e', 1, 1, 1, 'x', 50) as Array<{ detail: string }>;
        assert.ok(attempts.some((p) => /SEARCH a USING INDEX attempts_endpoint/.test(p.detail)), JSON.stringify(attempts));
        const stats = side.prepare(`EXPLAIN QUERY PLAN ${ENDPOINT_ATTEMPT_STATS}`).all('e', 1) as Array<{ detail: string }>;
        assert.ok(stats.some((p) => /SEARCH endpoint_minutes USING INDEX sqlite_autoindex_endpoint_minutes_1 \(endpoint=\? AND minute>\?\)/.test(p.detail)), JSON.stringify(stats));
      } finally {
        side.close();
      }
    });
  });
});
