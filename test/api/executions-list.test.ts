import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openSideDatabase } from '../support/side-database.js';
import { findExecutionsQuery, lastExecutionsQuery } from '../../src/store/execution-queries.js';
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

describe('executions across jobs and endpoints\' attempts: the listings read an index', () => {
  test('SQLite answers each filter from an index, never by scanning the table', async () => {
    await withNode(STORE_KINDS[0], {}, async ({ db }) => {
      const side = openSideDatabase(db.file!, { readonly: true });
      try {
        for (const filter of [{}, { status: 'failed' as const }, { namespace: 'n' }, { job_id: 'j' }, { status: 'failed' as const, error: 'x', trigger_type: 'manual' }, { retried: true }]) {
          const { sql, params } = findExecutionsQuery(filter, 50, { created_at: 1, id: 'x' });
          const plan = side.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>;
          const main = plan.map((p) => p.detail).find((d) => / executions\b/.test(d) && !d.includes('runs'))!;
          assert.match(main, /USING (COVERING )?INDEX/, `${JSON.stringify(filter)}: ${main}`);
        }
        // The jobs list's last outcome: each job's latest execution from the (job_id, created_at, id) index.
        const last = side.prepare(`EXPLAIN QUERY PLAN ${lastExecutionsQuery(2)}`).all('a', 'b') as Array<{ detail: string }>;
        assert.ok(last.some((p) => /SEARCH e USING INDEX executions_job_created/.test(p.detail)), JSON.stringify(last));
        // An endpoint's attempts and their figures: from the (endpoint, started_at, id) index.
        for (const [sql, params] of [[LIST_ENDPOINT_ATTEMPTS, ['e', 1, 1, 1, 'x', 50]], [ENDPOINT_ATTEMPT_STATS, ['e', 1]]] as const) {
          const plan = side.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>;
          assert.ok(plan.some((p) => /SEARCH a(ttempts)? USING (COVERING )?INDEX attempts_endpoint/.test(p.detail)), JSON.stringify(plan));
        }
      } finally {
        side.close();
      }
    });
  });
});
