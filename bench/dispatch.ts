/**
 * bench:dispatch — N triggered executions (each committed before its trigger returns) delivered
 * to a minimal receiver on 127.0.0.1, on SQLite and on PostgreSQL, against a bare undici loop
 * sending the same requests (method, headers, body, concurrency) to the same receiver.
 * Prints deliveries/s and trigger-to-receipt latency p50/p99. Loopback only; bounded by N.
 * SQLite and the bare loop are measured in alternating rounds (the machine's speed drifts); the
 * ratio is the median of the rounds' ratios. Then a 10-task fan-out/fan-in job (one task, eight
 * after it, one after those; BENCH_DAG_N executions): executions/s and each task's overhead.
 *
 *   npm run bench:dispatch            # N=5000, 3 rounds
 *   BENCH_N=20000 BENCH_ROUNDS=5 npm run bench:dispatch
 *   BENCH_STORES=sqlite npm run bench:dispatch
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { v7 as uuidv7 } from 'uuid';
import { createApp, type App } from '../src/app.js';
import { cleanUp, percentile, POSTGRES_URL, startReceiver as startLoopbackReceiver } from './bench-support.js';
import { parseConfig } from '../src/config/config.js';
import { DEFAULTS } from '../src/config/defaults.js';
import { USER_AGENT } from '../src/version.js';
import { createLogger } from '../src/log.js';
import { newSecretKey } from '../src/secrets/sealer.js';
import type { AttemptRow, RunRow } from '../src/store/store.js';

const N = Number(process.env.BENCH_N ?? 5000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** How many triggers the benchmark keeps in flight. */
const TRIGGER_CONCURRENCY = Number(process.env.BENCH_TRIGGER_CONCURRENCY ?? 64);
/** The bare loop keeps as many requests in flight as the worker does. */
const CALL_CONCURRENCY = DEFAULTS.worker.concurrency;
const STORES = (process.env.BENCH_STORES ?? 'sqlite,postgres').split(',');
const BODY = JSON.stringify({ event: 'bench', payload: 'x'.repeat(200) });

interface Receiver {
  url: string;
  received: Map<string, number>;
  /** When each execution's `end` task was received (the fan-out/fan-in job). */
  ended: Map<string, number>;
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const received = new Map<string, number>();
  const ended = new Map<string, number>();
  const receiver = await startLoopbackReceiver((req) => {
    const id = req.headers['x-hookline-execution-id'] as string | undefined;
    if (id && !received.has(id)) received.set(id, performance.now());
    if (id && req.url === '/hook/end' && !ended.has(id)) ended.set(id, performance.now());
  });
  return { ...receiver, received, ended };
}

async function pool(count: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) await fn(next++);
  }));
}

async function bare(receiver: Receiver): Promise<number> {
  const agent = new Agent({ connections: 256, keepAliveTimeout: 10_000 });
  const started = performance.now();
  await pool(N, CALL_CONCURRENCY, async () => {
    const res = await request(receiver.url, {
      method: 'POST', dispatcher: agent, body: BODY,
      headers: {
        'X-Hookline-Job-ID': 'bench', 'X-Hookline-Execution-ID': uuidv7(), 'X-Hookline-Attempt': '1',
        'Content-Type': 'application/json', 'User-Agent': USER_AGENT,
      },
    });
    await res.body.text();
  });
  const rate = N / ((performance.now() - started) / 1000);
  await agent.close();
  return rate;
}

async function hookline(receiver: Receiver, database: string, schema?: string) {
  const config = parseConfig({ port: 0, database, database_schema: schema, log_level: 'warn', secret_key: newSecretKey(), egress: { allow: ['127.0.0.0/8'] } });
  const app = await createApp(config, { log: createLogger('warn') });
  const url = await app.listen();
  const client = new Agent({ connections: TRIGGER_CONCURRENCY });
  const api = (path: string, body: unknown) =>
    request(url + path, { method: 'POST', dispatcher: client, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  await (await api('/api/v1/jobs', { id: 'bench', webhook: { url: receiver.url, body: BODY } })).body.text();
  const sentAt = new Map<string, number>();
  receiver.received.clear();
  const started = performance.now();
  await pool(N, TRIGGER_CONCURRENCY, async () => {
    const t = performance.now();
    const { id } = await app.trigger('bench', { type: 'manual', body: null });
    sentAt.set(id, t);
  });
  if (process.env.BENCH_VERBOSE) console.log(`  triggers committed in ${(performance.now() - started).toFixed(0)} ms; delivered so far ${receiver.received.size}`);
  const deadline = Date.now() + 300_000;
  while (receiver.received.size < N && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  const elapsed = (Math.max(...receiver.received.values()) - started) / 1000;
  const latencies = [...sentAt].map(([id, t]) => receiver.received.get(id)! - t).sort((a, b) => a - b);
  await client.close();
  await app.close();
  return { rate: receiver.received.size / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Executions of the fan-out/fan-in job: one task, eight after it in parallel, one after those. */
const DAG_N = Number(process.env.BENCH_DAG_N ?? 500);
const BRANCHES = 8;
/** Executions whose attempts are read back for the per-task overhead. */
const DAG_SAMPLE = 200;

/**
 * A 10-task fan-out/fan-in job, DAG_N executions: executions/s from the first trigger to the last
 * `end` call, and each task's overhead — from the end of the last task it waits for to its own
 * call going out (attempt start times, read back from the store).
 */
async function dag(receiver: Receiver, database: string, schema?: string) {
  const config = parseConfig({ port: 0, database, database_schema: schema, log_level: 'warn', secret_key: newSecretKey(), egress: { allow: ['127.0.0.0/8'] } });
  const app = await createApp(config, { log: createLogger('warn') });
  const url = await app.listen();
  const branches = Array.from({ length: BRANCHES }, (_, i) => `branch-${i}`);
  const tasks = [
    { name: 'start', webhook: { url: receiver.url, body: BODY } },
    ...branches.map((name) => ({ name, depends_on: ['start'], webhook: { url: receiver.url, body: BODY } })),
    { name: 'end', depends_on: branches, webhook: { url: `${receiver.url}/end`, body: BODY } },
  ];
  const res = await request(`${url}/api/v1/jobs`, { method: 'POST', body: JSON.stringify({ id: 'dag', tasks }), headers: { 'content-type': 'application/json' } });
  if (res.statusCode !== 201) throw new Error(`creating the job failed: ${await res.body.text()}`);
  await res.body.text();
  receiver.received.clear();
  receiver.ended.clear();
  const started = performance.now();
  const ids: string[] = [];
  await pool(DAG_N, TRIGGER_CONCURRENCY, async () => {
    ids.push((await app.trigger('dag', { type: 'manual', body: null })).id);
  });
  const deadline = Date.now() + 300_000;
  while (receiver.ended.size < DAG_N && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  const elapsed = (Math.max(...receiver.ended.values()) - started) / 1000;
  const burst = await overheadsOf(app, ids.slice(0, DAG_SAMPLE), tasks);
  // One execution at a time: the overhead of the graph itself, with no queue of other work.
  const alone: string[] = [];
  for (let i = 0; i < DAG_ALONE; i++) {
    const { id } = await app.trigger('dag', { type: 'manual', body: null });
    while (!receiver.ended.has(id) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1));
    alone.push(id);
  }
  const single = await overheadsOf(app, alone, tasks);
  await app.close();
  return { rate: receiver.ended.size / elapsed, burst, single };
}

const DAG_ALONE = 50;

async function overheadsOf(app: App, ids: string[], tasks: Array<{ name: string; depends_on?: string[] }>) {
  const overheads: number[] = [];
  for (const id of ids) {
    // The receiver has the last call before its attempt is committed: wait for the execution's end.
    while ((await app.store.getExecution('dag', id))?.finished_at === null) await new Promise((r) => setTimeout(r, 5));
    overheads.push(...taskOverheads(await app.store.listRuns(id), await app.store.listAttempts(id), tasks));
  }
  overheads.sort((a, b) => a - b);
  return { p50: percentile(overheads, 50), p99: percentile(overheads, 99) };
}

const showDag = (name: string, d: Awaited<ReturnType<typeof dag>>) =>
  `dag ${name}: ${DAG_N} executions of 10 tasks at once, ${d.rate.toFixed(0)} executions/s (${(d.rate * 10).toFixed(0)} task calls/s), ` +
  `per-task overhead p50 ${d.burst.p50} ms, p99 ${d.burst.p99} ms; one execution at a time: p50 ${d.single.p50} ms, p99 ${d.single.p99} ms`;

/** For each task that waits for others: its first attempt's start minus the end of the last of theirs. */
function taskOverheads(runs: RunRow[], attempts: AttemptRow[], tasks: Array<{ name: string; depends_on?: string[] }>): number[] {
  const nameOf = new Map(runs.map((r) => [r.id, r.name]));
  const first = new Map<string, AttemptRow>();
  for (const a of attempts) if (!first.has(nameOf.get(a.run_id)!)) first.set(nameOf.get(a.run_id)!, a);
  return tasks
    .filter((t) => (t.depends_on ?? []).length > 0)
    .map((t) => {
      const ready = Math.max(...t.depends_on!.map((d) => first.get(d)!.started_at + first.get(d)!.duration_ms));
      return first.get(t.name)!.started_at - ready;
    });
}

async function main() {
  const receiver = await startReceiver();
  const dir = mkdtempSync(join(tmpdir(), 'hookline-bench-'));
  const schema = `bench_${process.pid}`;
  try {
    await bare(receiver); // warm-up
    await hookline(receiver, join(dir, 'warm-up.db')); // warm-up
    console.log(`N=${N}; bare loop and worker: ${CALL_CONCURRENCY} calls in flight; ${TRIGGER_CONCURRENCY} triggers in flight`);
    const ratios: number[] = [];
    const sqliteRates: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const bareRate = await bare(receiver);
      const sqlite = await hookline(receiver, join(dir, `round-${round}.db`));
      ratios.push(sqlite.rate / bareRate);
      sqliteRates.push(sqlite.rate);
      console.log(
        `round ${round}: bare undici loop ${bareRate.toFixed(0)} req/s; hookline sqlite ${sqlite.rate.toFixed(0)} deliveries/s, ` +
          `p50 ${sqlite.p50.toFixed(1)} ms, p99 ${sqlite.p99.toFixed(1)} ms; ratio ${(sqlite.rate / bareRate).toFixed(2)}`,
      );
    }
    let postgresRate: number | undefined;
    if (STORES.includes('postgres')) {
      const bareRate = await bare(receiver);
      const postgres = await hookline(receiver, POSTGRES_URL, schema);
      postgresRate = postgres.rate;
      console.log(
        `postgres: bare undici loop ${bareRate.toFixed(0)} req/s; hookline postgres ${postgres.rate.toFixed(0)} deliveries/s, ` +
          `p50 ${postgres.p50.toFixed(1)} ms, p99 ${postgres.p99.toFixed(1)} ms; postgres/bare ratio ${(postgres.rate / bareRate).toFixed(2)}`,
      );
    }
    const sqliteDag = await dag(receiver, join(dir, 'dag.db'));
    console.log(showDag('sqlite', sqliteDag));
    const postgresDag = STORES.includes('postgres') ? await dag(receiver, POSTGRES_URL, `${schema}_dag`) : undefined;
    if (postgresDag) console.log(showDag('postgres', postgresDag));
    console.log(`dispatch/bare ratio: ${median(ratios).toFixed(2)}`);
    // PostgreSQL against SQLite in this run: its deliveries/s over the median SQLite round's, and the 10-task job's executions/s.
    if (postgresRate !== undefined) console.log(`pg/sqlite dispatch ratio: ${(postgresRate / median(sqliteRates)).toFixed(2)}`);
    if (postgresDag) console.log(`pg/sqlite dag ratio: ${(postgresDag.rate / sqliteDag.rate).toFixed(2)}`);
  } finally {
    await receiver.close();
    await cleanUp(dir, schema);
    await cleanUp(dir, `${schema}_dag`);
  }
}

await main();
