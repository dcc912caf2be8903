/**
 * bench:scheduler — 100,000 enabled jobs with mixed schedules (hourly 6-field crons spread over
 * every second of the hour, and intervals of 30 s to 10 minutes), served by a real `hookline serve`
 * process, on SQLite and on PostgreSQL. Prints start-up time, the node's resident memory, and for
 * the ticks due in a window of BENCH_SECONDS (120 by default) the fire lateness p50/p99 (when the
 * call went out, from the execution's attempt log, minus the tick's time), and the receipt lateness
 * (when a receiver on 127.0.0.1 had the call, which adds its own queueing). Loopback only; stops by
 * itself.
 *
 *   npm run bench:scheduler
 *   BENCH_JOBS=20000 BENCH_SECONDS=60 BENCH_STORES=sqlite npm run bench:scheduler
 *   BENCH_ALIGN=1 npm run bench:scheduler    # every interval on whole seconds: ticks in bursts
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createJobCodec } from '../src/jobs/job-codec.js';
import { cleanUp, percentile, POSTGRES_URL, serve, stop } from './bench-support.js';
import { jobSchema } from '../src/jobs/job-schema.js';
import { createSealer, newSecretKey } from '../src/secrets/sealer.js';
import { openStore } from '../src/store/open-store.js';

const JOBS = Number(process.env.BENCH_JOBS ?? 100_000);
const WINDOW_MS = Number(process.env.BENCH_SECONDS ?? 120) * 1000;
const STORES = (process.env.BENCH_STORES ?? 'sqlite,postgres').split(',');
const SEED_CONCURRENCY = 256;
/** BENCH_ALIGN=1 starts every interval on a whole second, so their ticks come in bursts: a worst case. */
const ALIGN = process.env.BENCH_ALIGN === '1';
/** Executions read back for the lateness figures. */
const SAMPLE = 2000;

interface Call {
  job: string;
  execution: string;
  receivedAt: number;
}

interface Receiver {
  url: string;
  /** The calls received while counting. */
  calls: Call[];
  counting: boolean;
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const receiver = { calls: [] as Call[], counting: false } as Receiver;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const receivedAt = Date.now();
      if (receiver.counting) {
        receiver.calls.push({ job: String(req.headers['x-hookline-job-id']), execution: String(req.headers['x-hookline-execution-id']), receivedAt });
      }
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tick`;
  receiver.close = () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); });
  return receiver;
}

/** Job i: even ones run hourly, spread over every second of the hour; odd ones every 30 s to 10 min. */
function jobInput(i: number, url: string) {
  const schedule = i % 2 === 0 ? `${(i / 2) % 60} ${Math.floor(i / 120) % 60} * * * *` : { every: `${30 + (i % 571)}s` };
  return { id: `job-${i}`, schedule, webhook: { url, body: '{"job": "{{.JobID}}", "tick": "{{.ScheduledTime}}"}' } };
}

async function seed(database: string, schema: string | undefined, key: string, url: string): Promise<void> {
  const store = await openStore({ database, schema });
  const codec = createJobCodec(createSealer(key));
  const aligned = Math.ceil(Date.now() / 1000) * 1000;
  let next = 0;
  await Promise.all(Array.from({ length: SEED_CONCURRENCY }, async () => {
    while (next < JOBS) {
      const spec = jobSchema.parse(jobInput(next++, url));
      // Each interval starts from its job's creation, as through the API (or all on one whole second).
      await store.insertJob(codec.toRow({ ...spec, id: spec.id!, name: spec.id! }, undefined, ALIGN ? aligned : Date.now()));
    }
  }));
  await store.close();
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.split(/\s+/)[1]) / 1024;
}

/**
 * For a sample of the calls, from their executions: fire lateness (when the call went out, from
 * the attempt log, minus the tick) and receipt lateness (when the receiver had it, minus the tick).
 */
async function lateness(api: string, calls: Call[]): Promise<{ fired: number[]; received: number[] }> {
  const step = Math.max(1, Math.floor(calls.length / SAMPLE));
  const sample = calls.filter((_, i) => i % step === 0);
  const fired: number[] = [];
  const received: number[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (next < sample.length) {
      const call = sample[next++];
      const res = await fetch(`${api}/api/v1/jobs/${call.job}/executions/${call.execution}`);
      const execution = (await res.json()) as { scheduled_time: string; attempt_log: Array<{ started_at: string }> };
      const tick = Date.parse(execution.scheduled_time);
      fired.push(Date.parse(execution.attempt_log[0].started_at) - tick);
      received.push(call.receivedAt - tick);
    }
  }));
  const byValue = (a: number, b: number) => a - b;
  return { fired: fired.sort(byValue), received: received.sort(byValue) };
}

async function run(name: string, receiver: Receiver, database: string, schema?: string) {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-bench-'));
  const key = newSecretKey();
  const config = join(dir, 'hookline.yaml');
  writeFileSync(config, `secret_key: ${key}\n${schema ? `database_schema: ${schema}\n` : ''}`);
  try {
    const seedStart = performance.now();
    await seed(database, schema, key, receiver.url);
    console.log(`${name}: ${JOBS} jobs written in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);
    const args = ['--config', config, ...(schema ? [] : ['--db', database])];
    const { child, startupMs, api } = await serve(args, schema ? { DATABASE_URL: database } : {});
    let rss = 0;
    const sampler = setInterval(() => (rss = Math.max(rss, rssMb(child.pid!))), 1000);
    let late: { fired: number[]; received: number[] };
    try {
      await new Promise((r) => setTimeout(r, 5000)); // let the first pass settle before counting
      receiver.calls = [];
      receiver.counting = true;
      await new Promise((r) => setTimeout(r, WINDOW_MS));
      receiver.counting = false;
      clearInterval(sampler);
      late = await lateness(api, receiver.calls);
    } finally {
      clearInterval(sampler);
      await stop(child);
    }
    const { fired, received } = late;
    const result = { startupMs, rss, p50: percentile(fired, 50), p99: percentile(fired, 99) };
    console.log(
      `${name}: start-up ${startupMs.toFixed(0)} ms, rss ${rss.toFixed(0)} MB, ${receiver.calls.length} ticks in ${WINDOW_MS / 1000} s; ` +
        `fire lateness p50 ${result.p50} ms, p99 ${result.p99} ms; receipt lateness p50 ${percentile(received, 50)} ms, ` +
        `p99 ${percentile(received, 99)} ms (${fired.length} sampled)`,
    );
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const receiver = await startReceiver();
  const schema = `bench_sched_${process.pid}`;
  const dir = mkdtempSync(join(tmpdir(), 'hookline-bench-db-'));
  try {
    const sqlite = await run('sqlite', receiver, join(dir, 'bench.db'));
    if (STORES.includes('postgres')) await run('postgres', receiver, POSTGRES_URL, schema);
    console.log(`sqlite lateness p99 ms: ${sqlite.p99}, rss MB: ${sqlite.rss.toFixed(0)}`);
  } finally {
    await receiver.close();
    await cleanUp(dir, schema);
  }
}

await main();
