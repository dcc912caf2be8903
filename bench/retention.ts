/**
 * bench:retention — pruning a store of BENCH_EXECUTIONS finished executions (each with its run and
 * attempt) while dispatch runs, on SQLite and on PostgreSQL. For each store: the old executions are
 * written straight into the tables; dispatch (64 triggers in flight, delivered to a receiver on
 * 127.0.0.1) runs BENCH_LOAD_S seconds alone, then as long again while the store prunes in its
 * paced batches (the pruner's own). Prints deliveries/s of both and their ratio, the longest and p99 prune
 * call (each of its statements is its own transaction, so no lock is held longer), and the store's
 * size before, filled and pruned. Loopback only; bounded by the counts.
 *
 *   npm run bench:retention                          # 200,000 executions
 *   BENCH_EXECUTIONS=5000000 npm run bench:retention
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { createApp, type App } from '../src/app.js';
import { parseConfig } from '../src/config/config.js';
import { DEFAULTS } from '../src/config/defaults.js';
import { createLogger } from '../src/log.js';
import { newSecretKey } from '../src/secrets/sealer.js';
import { systemClock } from '../src/clock.js';
import { createPruner } from '../src/retention/pruner.js';
import { percentile, POSTGRES_URL } from './bench-support.js';

const EXECUTIONS = Number(process.env.BENCH_EXECUTIONS ?? 200_000);
const LOAD_S = Number(process.env.BENCH_LOAD_S ?? 10);
const STORES = (process.env.BENCH_STORES ?? 'sqlite,postgres').split(',');
const IN_FLIGHT = 64;
const FILL_CHUNK = 50_000;
/** The old executions finished a month ago, a millisecond apart. */
const OLD = Date.now() - 30 * 86_400_000;
const REQUEST = JSON.stringify({ url: 'http://127.0.0.1/hook', method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(200) });

/** What writes the old executions and measures the store, per database. */
interface Side {
  fill(from: number, to: number): Promise<void>;
  size(): Promise<number>;
  close(): Promise<void>;
}

/** The rows of executions `from`..`to`, from a list of numbers `n` (a FROM clause), in the database's SQL. */
const fillStatements = (numbers: string, cat: (a: string, b: string) => string) => [
  `INSERT INTO executions (id, job_id, namespace, status, trigger_type, trigger, spec, scheduled_time, attempts, request, response,
     created_at, started_at, finished_at)
   SELECT ${cat("'old-'", 'n')}, 'bench', 'default', 'succeeded', 'manual', '{"type":"manual","body":null}', '{}', ${OLD} + n, 1,
     '{}', '{"status_code":200}', ${OLD} + n, ${OLD} + n, ${OLD} + n + 5 FROM ${numbers}`,
  `INSERT INTO runs (id, execution_id, kind, name, status, attempt, max_attempts, timeout_ms, due_at, message_id, created_at,
     updated_at, started_at, finished_at)
   SELECT ${cat("'old-r-'", 'n')}, ${cat("'old-'", 'n')}, 'task', 'bench', 'succeeded', 1, 3, 30000, ${OLD} + n, ${cat("'msg_old-'", 'n')},
     ${OLD} + n, ${OLD} + n, ${OLD} + n, ${OLD} + n + 5 FROM ${numbers}`,
  `INSERT INTO attempts (id, run_id, execution_id, attempt, started_at, duration_ms, status_code, request, response_headers,
     response_body, response_truncated)
   SELECT ${cat("'old-a-'", 'n')}, ${cat("'old-r-'", 'n')}, ${cat("'old-'", 'n')}, 1, ${OLD} + n, 5, 200, '${REQUEST}', '{}', 'ok', 0
   FROM ${numbers}`,
];

function sqliteSide(file: string): Side {
  const db = new Database(file);
  db.pragma('busy_timeout = 10000');
  const statements = (from: number, to: number) =>
    fillStatements(`(WITH RECURSIVE g(n) AS (SELECT ${from} UNION ALL SELECT n + 1 FROM g WHERE n < ${to}) SELECT n FROM g)`, (a, b) => `${a} || ${b}`);
  return {
    async fill(from, to) {
      db.transaction(() => statements(from, to).forEach((sql) => db.exec(sql)))();
    },
    async size() {
      return statSync(file).size + (statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0);
    },
    async close() {
      db.close();
    },
  };
}

async function postgresSide(schema: string): Promise<Side> {
  const client = new pg.Client(POSTGRES_URL);
  await client.connect();
  await client.query(`SET search_path TO ${schema}`);
  return {
    async fill(from, to) {
      await client.query('BEGIN');
      for (const sql of fillStatements(`generate_series(${from}, ${to}) AS g(n)`, (a, b) => `${a} || ${b}`)) await client.query(sql);
      await client.query('COMMIT');
      await client.query('ANALYZE executions, runs, attempts'); // what autovacuum does to tables that grew so
    },
    async size() {
      const sql = `SELECT SUM(pg_total_relation_size(c.oid)) AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind = 'r'`;
      return Number((await client.query(sql, [schema])).rows[0].bytes);
    },
    async close() {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    },
  };
}

async function startReceiver() {
  let count = 0;
  const server = createServer((req, res) => req.resume().on('end', () => (count++, res.writeHead(200).end())));
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    count: () => count,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** Dispatch for LOAD_S seconds, or until `done`: triggers kept in flight; returns deliveries/s over the window. */
async function load(app: App, receiver: Receiver, done: () => boolean = () => false): Promise<number> {
  const started = performance.now();
  const until = started + LOAD_S * 1000;
  const before = receiver.count();
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (performance.now() < until && !done()) await app.trigger('bench', { type: 'manual', body: null });
  }));
  return (receiver.count() - before) / ((performance.now() - started) / 1000);
}

/** Prunes what is older than a week with the pruner Hookline runs, timing each of its calls. */
async function pruneAll(app: App): Promise<number[]> {
  const took: number[] = [];
  const options = { retentionMs: 7 * 86_400_000, intervalMs: 3_600_000, batch: DEFAULTS.prune_batch };
  const pruner = createPruner({ store: app.store, clock: systemClock, log: app.log, options, onCall: (ms) => took.push(ms) });
  await pruner.pruneNow();
  return took;
}

async function bench(store: string, receiver: Receiver, dir: string) {
  const schema = `retention_${process.pid}`;
  const database = store === 'postgres' ? POSTGRES_URL : join(dir, 'retention.db');
  const config = parseConfig({ port: 0, database, database_schema: store === 'postgres' ? schema : undefined, log_level: 'warn', secret_key: newSecretKey(), egress: { allow: ['127.0.0.0/8'] } });
  const app = await createApp(config, { log: createLogger('warn') });
  const side = store === 'postgres' ? await postgresSide(schema) : sqliteSide(database);
  try {
    await app.listen();
    const put = await app.server.inject({ method: 'PUT', url: '/api/v1/jobs/bench', payload: { id: 'bench', webhook: { url: receiver.url } } });
    if (put.statusCode >= 300) throw new Error(`the job could not be written: ${put.body}`);
    const empty = await side.size();
    const filling = performance.now();
    for (let from = 1; from <= EXECUTIONS; from += FILL_CHUNK) await side.fill(from, Math.min(EXECUTIONS, from + FILL_CHUNK - 1));
    const filled = await side.size();
    console.log(`${store}: ${EXECUTIONS} finished executions written in ${((performance.now() - filling) / 1000).toFixed(0)} s`);
    const alone = await load(app, receiver);
    // Dispatch runs while the store prunes, until it has pruned all or LOAD_S have passed; then the rest is pruned.
    let pruned = false;
    const pruning = pruneAll(app).finally(() => (pruned = true));
    const during = await load(app, receiver, () => pruned);
    const took = await pruning;
    const sizePruned = await side.size();
    const sorted = [...took].sort((a, b) => a - b);
    console.log(
      `${store}: dispatch alone ${alone.toFixed(0)} deliveries/s, while pruning ${during.toFixed(0)}/s (${((during / alone) * 100).toFixed(0)}%); ` +
        `${took.length} prune calls, p99 ${percentile(sorted, 99).toFixed(0)} ms, longest ${sorted.at(-1)!.toFixed(0)} ms; ` +
        `size empty ${mb(empty)}, filled ${mb(filled)}, pruned ${mb(sizePruned)}`,
    );
    console.log(`${store} dispatch while pruning / alone: ${(during / alone).toFixed(2)}`);
  } finally {
    await app.close();
    await side.close();
  }
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

async function main() {
  const receiver = await startReceiver();
  const dir = mkdtempSync(join(tmpdir(), 'hookline-retention-'));
  try {
    console.log(`${EXECUTIONS} old executions; ${IN_FLIGHT} triggers in flight for ${LOAD_S} s alone, then up to ${LOAD_S} s while pruning (batches of at most ${DEFAULTS.prune_batch})`);
    for (const store of STORES) await bench(store, receiver, dir);
  } finally {
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
