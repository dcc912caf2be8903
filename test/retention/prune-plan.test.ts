import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pg from 'pg';
import { DIALECTS } from '../../src/store/dialects.js';
import { pruneAll, pruneStatement, PRUNES } from '../../src/store/prune-queries.js';
import type { PruneMarks } from '../../src/store/store.js';
import { openSideDatabase, sideStatements } from '../support/side-database.js';
import { STORE_KINDS, storePerTest, type TestDatabase } from '../support/stores.js';

const OLD = Date.parse('2026-01-01T00:00:00Z');
const EXECUTIONS = 5_000;
const BATCH = 100;
const CUTOFF = { finished_before: OLD + EXECUTIONS + 1_000, received_before: 0, ticks_before: 0, windows_before: 0 };

for (const kind of STORE_KINDS) {
  describe(`retention's statements: ${kind.name}`, () => {
    const t = storePerTest(kind);

    test('a prune finds its batch of old executions through the index and reads only those rows, however many there are', async () => {
      await sideStatements(t.db, [...oldExecutions(kind.name), 'ANALYZE']);
      const scanned = await tablesReadWhole(t.db);
      assert.deepEqual(scanned, [], `tables read whole by a prune of ${BATCH} of ${EXECUTIONS} executions`);

      const { counts } = await t.store.prune(CUTOFF, BATCH);
      assert.equal(counts.executions, BATCH);
      const left = EXECUTIONS - BATCH;
      assert.deepEqual(await countRows(t.db), { executions: left, runs: left, attempts: left, oldest_left: 0, up_to_4000: 3900 }, 'the oldest went, with their runs and attempts');
    });

    test("a pass's calls start their scans where the calls before reached, not at rows deleted and not yet vacuumed", async () => {
      const vacuumOff = ['executions', 'runs', 'attempts'].map((table) => `ALTER TABLE ${table} SET (autovacuum_enabled = false)`);
      await sideStatements(t.db, [...oldExecutions(kind.name), 'ANALYZE', ...(kind.name === 'postgres' ? vacuumOff : [])]);
      let from: PruneMarks = {};
      for (let call = 1; call <= 30; call++) {
        const { counts, reached } = await t.store.prune(CUTOFF, BATCH, from);
        assert.equal(counts.executions, BATCH);
        from = { ...from, ...reached };
      }
      // A call starting at an age leaves older rows alone: there, only rows already deleted.
      const { counts } = await t.store.prune(CUTOFF, BATCH, { executions: OLD + 4001 });
      assert.equal(counts.executions, BATCH);
      assert.equal((await countRows(t.db)).up_to_4000, 1000, 'executions 3001–4000 are left to a later pass');
      if (kind.name === 'sqlite') {
        assert.deepEqual(from, {}, 'SQLite takes deleted rows out of the index at once: every scan starts at the front');
        return;
      }
      assert.equal(from.executions, OLD + 30 * BATCH, 'the newest age deleted');
      const marked = await blocksOfOldestScan(t.db, from);
      const unmarked = await blocksOfOldestScan(t.db, {});
      assert.ok(marked * 2 < unmarked, `pages read finding the next batch: ${marked} from the mark, ${unmarked} from the front`);
    });
  });
}

/** EXECUTIONS finished executions of job `old`, a millisecond apart, each with its run and attempt. */
function oldExecutions(store: 'sqlite' | 'postgres'): string[] {
  const numbers = store === 'postgres'
    ? `generate_series(1, ${EXECUTIONS}) AS g(n)`
    : `(WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < ${EXECUTIONS}) SELECT n FROM g)`;
  return [
    `INSERT INTO jobs (id, namespace, name, spec, created_at, updated_at) VALUES ('old', 'default', 'old', '{}', 0, 0)`,
    `INSERT INTO executions (id, job_id, namespace, status, trigger_type, trigger, spec, scheduled_time, created_at, started_at, finished_at)
     SELECT 'old-' || n, 'old', 'default', 'succeeded', 'manual', '{}', '{}', ${OLD} + n, ${OLD} + n, ${OLD} + n, ${OLD} + n FROM ${numbers}`,
    `INSERT INTO runs (id, execution_id, kind, name, status, max_attempts, timeout_ms, due_at, message_id, created_at, updated_at)
     SELECT 'old-r-' || n, 'old-' || n, 'task', 'old', 'succeeded', 1, 1000, ${OLD} + n, 'm-' || n, ${OLD} + n, ${OLD} + n FROM ${numbers}`,
    `INSERT INTO attempts (id, run_id, execution_id, attempt, started_at, duration_ms, request)
     SELECT 'old-a-' || n, 'old-r-' || n, 'old-' || n, 1, ${OLD} + n, 1, '{}' FROM ${numbers}`,
  ];
}

/** The tables the planner would read from end to end to prune the executions. */
async function tablesReadWhole(db: TestDatabase): Promise<string[]> {
  const executions = PRUNES.find((p) => p.table === 'executions')!;
  if (db.file) {
    const side = openSideDatabase(db.file);
    try {
      const plan = side.prepare(`EXPLAIN QUERY PLAN ${pruneStatement(DIALECTS.sqlite, executions)}`).all(0, CUTOFF.finished_before, BATCH) as Array<{ detail: string }>;
      return plan.map((step) => /^SCAN (\w+)$/.exec(step.detail)?.[1]).filter((table): table is string => table !== undefined);
    } finally {
      side.close();
    }
  }
  const scans: string[] = [];
  visit(await explainPrune(db, {}, 'FORMAT JSON'), (node) => {
    if (node['Node Type'] === 'Seq Scan' && node['Relation Name'] === 'executions') scans.push('executions');
  });
  return scans;
}

/** PostgreSQL: the pages a prune call reads finding its batch of old executions, starting at `from`. */
async function blocksOfOldestScan(db: TestDatabase, from: PruneMarks): Promise<number> {
  let blocks = 0;
  visit(await explainPrune(db, from, 'ANALYZE, BUFFERS, FORMAT JSON'), (node) => {
    if (node['Index Name'] === 'executions_finished') blocks += node['Shared Hit Blocks'] + node['Shared Read Blocks'];
  });
  return blocks;
}

/** PostgreSQL: the plan of one prune call starting at `from`, explained with `options` (run, with ANALYZE, in a transaction rolled back). */
async function explainPrune(db: TestDatabase, from: PruneMarks, options: string): Promise<PlanNode> {
  let n = 0;
  const sql = pruneAll(DIALECTS.postgres).replace(/\?/g, () => `$${++n}`);
  const params = PRUNES.flatMap((p) => [from[p.table] ?? 0, CUTOFF[p.before], BATCH]);
  return withPostgres(db, async (client) => {
    await client.query('BEGIN');
    const { rows } = await client.query(`EXPLAIN (${options}) ${sql}`, params);
    await client.query('ROLLBACK');
    return rows[0]['QUERY PLAN'][0].Plan;
  });
}

const visit = (node: PlanNode, fn: (node: PlanNode) => void): void => {
  fn(node);
  for (const child of node.Plans ?? []) visit(child, fn);
};

async function withPostgres<T>(db: TestDatabase, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(db.database);
  await client.connect();
  try {
    await client.query(`SET search_path TO ${db.schema}`);
    return await fn(client);
  } finally {
    await client.end();
  }
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Shared Hit Blocks': number;
  'Shared Read Blocks': number;
  Plans?: PlanNode[];
}

async function countRows(db: TestDatabase): Promise<Record<string, number>> {
  const counts = {
    executions: 'executions', runs: 'runs', attempts: 'attempts', oldest_left: `executions WHERE finished_at <= ${OLD + BATCH}`,
    up_to_4000: `executions WHERE finished_at <= ${OLD + 4000}`,
  };
  const sql = `SELECT ${Object.entries(counts).map(([name, from]) => `(SELECT COUNT(*) FROM ${from}) AS ${name}`).join(', ')}`;
  if (db.file) {
    const side = openSideDatabase(db.file, { readonly: true });
    try {
      return side.prepare(sql).get() as Record<string, number>;
    } finally {
      side.close();
    }
  }
  const [row] = await withPostgres(db, async (client) => (await client.query(sql)).rows);
  return Object.fromEntries(Object.keys(counts).map((name) => [name, Number(row[name])]));
}
