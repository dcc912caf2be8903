/**
 * bench:retention — retention at scale, on SQLite and on PostgreSQL. For each store:
 * 1. steady: BENCH_STEADY_RATE triggers a second (delivered to a receiver on 127.0.0.1) for
 *    BENCH_STEADY_S on the empty store with retention BENCH_STEADY_RETENTION_S, the store's size
 *    sampled as it goes: it should stop growing once the first executions pass the retention;
 * 2. BENCH_EXECUTIONS finished executions a month old (each with its run and attempt) written
 *    straight into the tables;
 * 3. dispatch (64 triggers in flight) alone for BENCH_LOAD_S, then as long again while Hookline's paced pruner works
 *    (retention a week); then what is left pruned by the pruner with no rests between its calls.
 * Prints deliveries/s alone and while pruning, the prune calls' durations, the store's size, and
 * in every phase how long the store's locks were held, seen from outside (bench/lock-probes.ts).
 * Loopback only; bounded by the counts.
 *
 *   npm run bench:retention                          # 200,000 executions
 *   BENCH_EXECUTIONS=5000000 BENCH_LOAD_S=60 npm run bench:retention
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
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
import { percentile, POSTGRES_URL, startReceiver as startLoopbackReceiver } from './bench-support.js';
import { probePostgres, probeSqlite, showLocks } from './lock-probes.js';

const EXECUTIONS = Number(process.env.BENCH_EXECUTIONS ?? 200_000);
const LOAD_S = Number(process.env.BENCH_LOAD_S ?? 10);
/** The steady phase: dispatch this long on the empty store with a retention of STEADY_RETENTION_S (0 skips it). */
const STEADY_S = Number(process.env.BENCH_STEADY_S ?? 120);
const STEADY_RETENTION_S = Number(process.env.BENCH_STEADY_RETENTION_S ?? 15);
const STEADY_RATE = Number(process.env.BENCH_STEADY_RATE ?? 1000);
/** The retention the old executions are pruned to. */
const RETENTION_MS = 7 * 86_400_000;
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
  const receiver = await startLoopbackReceiver(() => count++);
  return { ...receiver, count: () => count };
}
type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** Triggers at `rate` per second for `seconds` (at most IN_FLIGHT × 4 waiting); returns deliveries/s over the window. */
async function steadyLoad(app: App, receiver: Receiver, rate: number, seconds: number): Promise<number> {
  const started = performance.now();
  const before = receiver.count();
  const waiting = new Set<Promise<unknown>>();
  let fired = 0;
  while (performance.now() - started < seconds * 1000) {
    const due = Math.floor(((performance.now() - started) / 1000) * rate);
    for (; fired < due && waiting.size < IN_FLIGHT * 4; fired++) {
      const call = app.trigger('bench', { type: 'manual', body: null }).finally(() => waiting.delete(call));
      waiting.add(call);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  await Promise.all(waiting);
  return (receiver.count() - before) / ((performance.now() - started) / 1000);
}

/** Dispatch for `seconds`, or until `done`: triggers kept in flight; returns deliveries/s over the window. */
async function load(app: App, receiver: Receiver, seconds: number, done: () => boolean = () => false): Promise<number> {
  const started = performance.now();
  const until = started + seconds * 1000;
  const before = receiver.count();
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (performance.now() < until && !done()) await app.trigger('bench', { type: 'manual', body: null });
  }));
  return (receiver.count() - before) / ((performance.now() - started) / 1000);
}

/** Hookline's own pruner, keeping `retentionMs`, with each of its calls timed. */
function timedPruner(app: App, retentionMs: number, intervalMs: number, duty?: number) {
  const took: number[] = [];
  const options = { retentionMs, intervalMs, batch: DEFAULTS.prune_batch, duty };
  const pruner = createPruner({ store: app.store, clock: systemClock, log: app.log, options, onCall: (ms) => took.push(ms) });
  return { ...pruner, took };
}

/**
 * What the paced pruner left: pruned by the pruner with no rest between its calls (no dispatch runs
 * meanwhile; its batches still sized to its call target), each call timed, then its vacuum where
 * it runs one. Returns the calls' durations and how long the vacuum took.
 */
async function pruneRest(app: App): Promise<{ took: number[]; vacuumS: number }> {
  const pruner = timedPruner(app, RETENTION_MS, 3_600_000, 1);
  const started = performance.now();
  await pruner.pruneNow();
  const callsMs = pruner.took.reduce((a, b) => a + b, 0);
  return { took: pruner.took, vacuumS: (performance.now() - started - callsMs) / 1000 };
}

/**
 * Dispatch for STEADY_S on the store as it is, with retention of STEADY_RETENTION_S pruning every
 * few seconds: the store's size sampled every tenth of the time. It should stop growing once the
 * first executions are older than the retention.
 */
async function steady(app: App, receiver: Receiver, side: Side): Promise<{ rate: number; sizes: number[] }> {
  const pruner = timedPruner(app, STEADY_RETENTION_S * 1000, 5_000);
  pruner.start();
  const sizes = [await side.size()];
  let done = false;
  const sampling = (async () => {
    while (!done) {
      await new Promise((r) => setTimeout(r, (STEADY_S * 1000) / 10));
      if (!done) sizes.push(await side.size());
    }
  })();
  const rate = await steadyLoad(app, receiver, STEADY_RATE, STEADY_S);
  done = true;
  await sampling;
  sizes.push(await side.size());
  await pruner.stop();
  return { rate, sizes };
}

const timings = (took: number[]) => {
  const sorted = [...took].sort((a, b) => a - b);
  return `${took.length} calls, p99 ${percentile(sorted, 99).toFixed(0)} ms, longest ${(sorted.at(-1) ?? 0).toFixed(0)} ms`;
};

async function bench(store: string, receiver: Receiver, dir: string) {
  const schema = `retention_${process.pid}`;
  const database = store === 'postgres' ? POSTGRES_URL : join(dir, 'retention.db');
  const config = parseConfig({ port: 0, database, database_schema: store === 'postgres' ? schema : undefined, log_level: 'warn', secret_key: newSecretKey(), egress: { allow: ['127.0.0.0/8'] } });
  const app = await createApp(config, { log: createLogger('warn') });
  const side = store === 'postgres' ? await postgresSide(schema) : sqliteSide(database);
  const probe = store === 'postgres' ? await probePostgres(POSTGRES_URL) : probeSqlite(database);
  try {
    await app.listen();
    const put = await app.server.inject({ method: 'PUT', url: '/api/v1/jobs/bench', payload: { id: 'bench', webhook: { url: receiver.url } } });
    if (put.statusCode >= 300) throw new Error(`the job could not be written: ${put.body}`);
    const empty = await side.size();
    probe.phase('steady');
    const held = STEADY_S > 0 ? await steady(app, receiver, side) : undefined;
    if (held) {
      const { rate, sizes } = held;
      const half = sizes[Math.floor(sizes.length / 2)];
      console.log(`${store}: steady load ${STEADY_S} s at ${rate.toFixed(0)} deliveries/s, retention ${STEADY_RETENTION_S} s: size ${sizes.map(mb).join(' → ')}`);
      console.log(`${store} steady growth over the second half: ${(((sizes.at(-1)! - half) / half) * 100).toFixed(1)}%`);
    }
    probe.phase('fill');
    const filling = performance.now();
    for (let from = 1; from <= EXECUTIONS; from += FILL_CHUNK) await side.fill(from, Math.min(EXECUTIONS, from + FILL_CHUNK - 1));
    const filled = await side.size();
    console.log(`${store}: ${EXECUTIONS} finished executions written in ${((performance.now() - filling) / 1000).toFixed(0)} s`);
    probe.phase('alone');
    const alone = await load(app, receiver, LOAD_S);
    // Dispatch runs while the paced pruner prunes, until it has pruned all or LOAD_S have passed.
    probe.phase('pruning');
    const pruner = timedPruner(app, RETENTION_MS, 3_600_000);
    let pruned = false;
    const pruning = pruner.pruneNow().finally(() => (pruned = true));
    const pacedStarted = performance.now();
    const during = await load(app, receiver, LOAD_S, () => pruned);
    console.log(`${store}: dispatch alone ${alone.toFixed(0)} deliveries/s, while pruning ${during.toFixed(0)}/s (${((during / alone) * 100).toFixed(0)}%); prune calls so far ${timings(pruner.took)}`);
    await pruner.stop();
    const pacedRate = (await pruning).executions / ((performance.now() - pacedStarted) / 1000);
    probe.phase('rest');
    const restStarted = performance.now();
    const rest = await pruneRest(app);
    const restS = (performance.now() - restStarted) / 1000;
    const sizePruned = await side.size();
    const locks = await probe.stop();
    console.log(`${store}: dispatch alone ${alone.toFixed(0)} deliveries/s, while pruning ${during.toFixed(0)}/s (${((during / alone) * 100).toFixed(0)}%); paced prune ${timings(pruner.took)}, ${pacedRate.toFixed(0)} executions/s`);
    console.log(`${store}: the rest pruned with no rests in ${restS.toFixed(0)} s: ${timings(rest.took)}; then vacuumed in ${rest.vacuumS.toFixed(0)} s`);
    for (const phase of ['steady', 'alone', 'pruning', 'rest']) console.log(`${store} locks, ${phase}: ${showLocks(locks.get(phase))}`);
    console.log(`${store}: size empty ${mb(empty)}, filled ${mb(filled)}, pruned ${mb(sizePruned)}`);
    console.log(`${store} dispatch while pruning / alone: ${(during / alone).toFixed(2)}`);
    console.log(`${store} longest lock while pruning: ${Math.max(locks.get('pruning')?.longest ?? 0, locks.get('rest')?.longest ?? 0).toFixed(1)} ms`);
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
    console.log(`${EXECUTIONS} old executions; ${IN_FLIGHT} triggers in flight for ${LOAD_S} s alone, then up to ${LOAD_S} s while pruning (batches of at most ${DEFAULTS.prune_batch}); steady phase ${STEADY_S} s`);
    for (const store of STORES) await bench(store, receiver, dir);
  } finally {
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
