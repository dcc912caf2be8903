import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pg from 'pg';
import { DIALECTS } from '../../src/store/dialects.js';
import { pruneAll, pruneStatement, PRUNES } from '../../src/store/prune-queries.js';
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

      const counts = await t.store.prune(CUTOFF, BATCH);
      assert.equal(counts.executions, BATCH);
      const left = EXECUTIONS - BATCH;
      assert.deepEqual(await countRows(t.db), { executions: left, runs: left, attempts: left, oldest_left: 0 }, 'the oldest went, with their runs and attempts');
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
      const plan = side.prepare(`EXPLAIN QUERY PLAN ${pruneStatement(DIALECTS.sqlite, executions)}`).all(CUTOFF.finished_before, BATCH) as Array<{ detail: string }>;
      return plan.map((step) => /^SCAN (\w+)$/.exec(step.detail)?.[1]).filter((table): table is string => table !== undefined);
    } finally {
      side.close();
    }
  }
  const client = new pg.Client(db.database);
  await client.connect();
  try {
    await client.query(`SET search_path TO ${db.schema}`);
    let n = 0;
    const sql = pruneAll(DIALECTS.postgres).replace(/\?/g, () => `$${++n}`);
    const { rows } = await client.query(`EXPLAIN (FORMAT JSON) ${sql}`, PRUNES.flatMap((p) => [CUTOFF[p.before], BATCH]));
    const scans: string[] = [];
    const walk = (node: { 'Node Type': string; 'Relation Name'?: string; Plans?: unknown[] }) => {
      if (node['Node Type'] === 'Seq Scan' && node['Relation Name'] === 'executions') scans.push('executions');
      for (const child of node.Plans ?? []) walk(child as typeof node);
    };
    walk(rows[0]['QUERY PLAN'][0].Plan);
    return scans;
  } finally {
    await client.end();
  }
}

async function countRows(db: TestDatabase): Promise<Record<string, number>> {
  const counts = {
    executions: 'executions', runs: 'runs', attempts: 'attempts', oldest_left: `executions WHERE finished_at <= ${OLD + BATCH}`,
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
  const client = new pg.Client(db.database);
  await client.connect();
  try {
    await client.query(`SET search_path TO ${db.schema}`);
    const [row] = (await client.query(sql)).rows;
    return Object.fromEntries(Object.keys(counts).map((name) => [name, Number(row[name])]));
  } finally {
    await client.end();
  }
}
