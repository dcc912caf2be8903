import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { v7 as uuidv7 } from 'uuid';
import { POSTGRES } from '../../src/store/dialects.js';
import { openPostgresDriver } from '../../src/store/postgres/postgres-driver.js';
import * as q from '../../src/store/queries.js';
import { createSqlStore } from '../../src/store/sql-store.js';
import type { NewExecution } from '../../src/store/store.js';
import { recording, type SentStatement } from '../support/recording-driver.js';
import { openSideDatabase } from '../support/side-database.js';
import { STORE_KINDS, storePerTest } from '../support/stores.js';

const T0 = Date.parse('2026-03-01T00:00:00Z');
const BACKLOG = 20_000;
const TAKEN = 100;

function execution(i: number): NewExecution {
  const id = uuidv7();
  return {
    id, job_id: 'drain', namespace: 'default', trigger_type: 'manual', trigger: '{"type":"manual","body":null}', spec: '{}',
    scheduled_time: T0 + i, created_at: T0 + i,
    runs: [{ id: uuidv7(), kind: 'task', name: 'call', max_attempts: 3, timeout_ms: 1000, message_id: `msg_${id}` }],
  };
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Rows': number;
  Plans?: PlanNode[];
}
const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];

class RolledBack extends Error {}

for (const kind of STORE_KINDS) {
  describe(`claim plan: ${kind.name}`, () => {
    const t = storePerTest(kind);

    // Statistics that predate the backlog (here none were ever gathered) must not turn each claim into a
    // read and a sort of every due run: the drain of a backlog would slow as the backlog grows.
    test('a claim from a backlog of 20,000 due runs reads about as many runs as it takes, the oldest first', async () => {
      await t.store.insertJob({ id: 'drain', namespace: 'default', name: 'drain', spec: '{}', enabled: 1, next_run_at: null, last_run_at: null, created_at: T0, updated_at: T0 });
      const executions = Array.from({ length: BACKLOG }, (_, i) => execution(i));
      for (let at = 0; at < BACKLOG; at += 2000) await t.store.createExecutions(executions.slice(at, at + 2000), 0);
      const now = T0 + BACKLOG;
      if (kind.name === 'sqlite') {
        const db = openSideDatabase(t.db.file!, { readonly: true });
        try {
          const plan = db.prepare(`EXPLAIN QUERY PLAN ${q.claimRuns('')}`).all(now, TAKEN, now, TAKEN, 'w', now, 500, now, now, TAKEN) as Array<{ detail: string }>;
          const details = plan.map((p) => p.detail);
          assert.ok(details.some((d) => d.includes('runs_pending')), `due runs are read through their index: ${details.join('; ')}`);
          assert.ok(!details.some((d) => d.includes('TEMP B-TREE')), `nothing is sorted: ${details.join('; ')}`);
        } finally {
          db.close();
        }
        const claimed = await t.store.claimRuns('w', now, TAKEN, 500);
        assert.deepEqual(claimed.map((r) => r.execution_id).sort(), executions.slice(0, TAKEN).map((e) => e.id).sort());
        return;
      }
      const sent: SentStatement[] = [];
      const store = createSqlStore(recording(openPostgresDriver({ url: t.db.database, schema: t.db.schema }), sent), POSTGRES);
      try {
        const claimed = await store.claimRuns('w', now, TAKEN, 500);
        assert.deepEqual(claimed.map((r) => r.execution_id).sort(), executions.slice(0, TAKEN).map((e) => e.id).sort(), 'the oldest due runs');
      } finally {
        await store.close();
      }
      // The claim again, as the store sent it, explained with what it read, in a transaction undone.
      const claim = sent.findIndex((s) => s.sql.includes('UPDATE runs SET status'));
      const side = openPostgresDriver({ url: t.db.database, schema: t.db.schema });
      let read: PlanNode[] = [];
      try {
        await side.transaction(async (tx) => {
          for (const s of sent.slice(0, claim)) await (s.script ? tx.script(s.sql) : tx.query(s.sql, s.params));
          const [row] = await tx.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${sent[claim].sql}`, sent[claim].params);
          read = nodes(row['QUERY PLAN'][0].Plan).filter((n) => n['Relation Name'] === 'runs' && n['Node Type'].includes('Scan'));
          throw new RolledBack();
        });
      } catch (err) {
        if (!(err instanceof RolledBack)) throw err;
      } finally {
        await side.close();
      }
      assert.ok(read.length > 0);
      for (const scan of read) {
        assert.ok(scan['Actual Rows'] <= 2 * TAKEN, `${scan['Node Type']} of runs read ${scan['Actual Rows']} rows to claim ${TAKEN}`);
      }
    });
  });
}
