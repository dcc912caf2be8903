/**
 * bench:record-cost — what a hook call's record costs SQLite itself, with no HTTP and no thread:
 * batches of calls written by Hookline's own recordInvocations on a SQLite connection of this
 * process, CPU time per call from process.cpuUsage. In the same run, the baseline the issue's
 * prototype committed (one row of a two-column table per call, same batches), and the record with
 * the secondary indexes of executions, and then of every table it writes, dropped — to see what
 * the indexes the console reads cost. Rounds alternate; each line is one measurement.
 *
 *   npm run bench:record-cost
 *   BENCH_CALLS=60000 BENCH_BATCH=32 BENCH_ROUNDS=3 npm run bench:record-cost
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import { SQLITE } from '../src/store/dialects.js';
import { createSqlStore } from '../src/store/sql-store.js';
import { openSqliteDriver } from '../src/store/sqlite/sqlite-driver.js';
import type { NewInvocation } from '../src/store/store.js';

const CALLS = Number(process.env.BENCH_CALLS ?? 60_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BODY = JSON.stringify({ event: 'push', ref: 'refs/heads/main', commits: Array.from({ length: 8 }, (_, i) => ({ id: `c${i}`.padEnd(40, '0'), message: 'x'.repeat(60) })) });
const HEADERS = JSON.stringify({ host: '127.0.0.1:1234', 'content-type': 'application/json', 'content-length': '1036', 'user-agent': 'autocannon' });

const EXECUTION_INDEXES = ['job_created', 'unfinished', 'finished', 'created', 'status_created', 'namespace_created', 'retried_created'].map((i) => `executions_${i}`);
const OTHER_INDEXES = ['runs_execution', 'runs_pending', 'runs_leased', 'invocations_hook', 'invocations_received'];

/** CPU µs a call while `write` runs over every batch. */
async function cpuPerCall(write: () => Promise<void> | void): Promise<number> {
  const before = process.cpuUsage();
  await write();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / CALLS;
}

function call(): NewInvocation {
  const id = uuidv7();
  const at = Date.now();
  const limit = (scope: string) => ({ scope, limit: 1e9, window_ms: 1_000, window_start: Math.floor(at / 1_000) * 1_000, reason: 'over' });
  const trigger = JSON.stringify({ type: 'webhook', body: JSON.parse(BODY), headers: HEADERS });
  const run = { id: uuidv7(), kind: 'task' as const, name: 'webhook', max_attempts: 3, timeout_ms: 30_000, message_id: `msg_${id}` };
  return {
    id: uuidv7(), hook_id: 'hook', received_at: at, source_ip: '127.0.0.1', method: 'POST', query: null, headers: HEADERS, body: BODY,
    body_size: BODY.length, body_truncated: 0, result: 'accepted', reason: null, status_code: 200, test: false,
    limits: [limit('hook:hook'), limit('namespace:default')],
    execution: { id, job_id: 'bench', namespace: 'default', trigger_type: 'webhook', trigger, spec: '{}', scheduled_time: at, created_at: at, runs: [run], hook_id: 'hook' },
  };
}

/** Hookline's record of each call, written by recordInvocations; `dropped` indexes removed first. */
async function record(path: string, dropped: string[]): Promise<number> {
  const driver = openSqliteDriver({ path, durability: 'normal', busyTimeoutMs: 5_000 });
  const store = createSqlStore(driver, SQLITE);
  await store.migrate();
  for (const index of dropped) await driver.script(`DROP INDEX ${index}`);
  const now = Date.now();
  const hooks = [{ id: 'hook', trigger_id: 'in', stop_after: [], address: 'bench' }];
  await store.insertJob({ id: 'bench', namespace: 'default', name: 'bench', spec: '{}', enabled: 1, next_run_at: null, created_at: now, updated_at: now, hooks });
  const batches = Array.from({ length: CALLS / BATCH }, () => Array.from({ length: BATCH }, call));
  try {
    return await cpuPerCall(async () => {
      for (const batch of batches) await store.recordInvocations(batch, 0);
    });
  } finally {
    await store.close();
  }
}

/** The prototype's write: one row of a two-column table a call, in the same batches and settings. */
async function oneRow(path: string): Promise<number> {
  const db = new Database(path);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; CREATE TABLE t (id TEXT PRIMARY KEY, body TEXT)');
  const insert = db.prepare('INSERT INTO t VALUES (?, ?)');
  const ids = Array.from({ length: CALLS }, () => uuidv7());
  try {
    return await cpuPerCall(() => {
      for (let at = 0; at < CALLS; at += BATCH) db.transaction(() => ids.slice(at, at + BATCH).forEach((id) => insert.run(id, BODY)))();
    });
  } finally {
    db.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'hookline-record-cost-'));
try {
  console.log(`${CALLS} calls in batches of ${BATCH}, a ${BODY.length}-byte body; CPU µs a call`);
  for (let round = 1; round <= ROUNDS; round++) {
    const figures = [
      `one row (the baseline) ${(await oneRow(join(dir, `row-${round}.db`))).toFixed(1)}`,
      `the record ${(await record(join(dir, `record-${round}.db`), [])).toFixed(1)}`,
      `without executions' secondary indexes ${(await record(join(dir, `bare-executions-${round}.db`), EXECUTION_INDEXES)).toFixed(1)}`,
      `without any secondary index ${(await record(join(dir, `bare-${round}.db`), [...EXECUTION_INDEXES, ...OTHER_INDEXES])).toFixed(1)}`,
    ];
    console.log(`round ${round}: ${figures.join('; ')}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
