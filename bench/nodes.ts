/**
 * bench:nodes — one node and then two nodes (`hookline serve` processes) sharing one PostgreSQL
 * schema: N executions triggered through the nodes' APIs (64 requests in flight, spread evenly over
 * the nodes), delivered to a receiver on 127.0.0.1 that counts each execution's calls. Prints
 * deliveries/s of each, whether every execution was delivered exactly once, PostgreSQL's own CPU
 * time per delivery (its server processes' utime + stime from /proc/<pid>/stat, before and after)
 * and the nodes' CPU per delivery; then statements per delivery, counted in a node run inside this
 * process. Loopback only; bounded by N.
 *
 *   npm run bench:nodes            # N=5000, 2 rounds
 *   BENCH_N=10000 npm run bench:nodes
 */
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Agent, request } from 'undici';
import { createApp } from '../src/app.js';
import { parseConfig } from '../src/config/config.js';
import { createLogger } from '../src/log.js';
import { newSecretKey } from '../src/secrets/sealer.js';
import { POSTGRES_URL, serve, startReceiver as startLoopbackReceiver, stop } from './bench-support.js';

const N = Number(process.env.BENCH_N ?? 5000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const IN_FLIGHT = 64;
const BODY = JSON.stringify({ event: 'bench', payload: 'x'.repeat(200) });
const TICK_MS = 1000 / 100; // USER_HZ on Linux

/** Counts each execution's calls, by the execution id header every call carries. */
async function startReceiver() {
  const calls = new Map<string, number>();
  let last = 0;
  const receiver = await startLoopbackReceiver((req) => {
    const id = req.headers['x-hookline-execution-id'] as string;
    calls.set(id, (calls.get(id) ?? 0) + 1);
    last = performance.now();
  });
  return {
    ...receiver,
    calls,
    reset: () => calls.clear(),
    async until(n: number): Promise<number> {
      const deadline = Date.now() + 300_000;
      while (calls.size < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      if (calls.size < n) throw new Error(`only ${calls.size} of ${n} executions were delivered`);
      await new Promise((r) => setTimeout(r, 200)); // a second call of one would come now
      return last;
    },
  };
}
type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** CPU time (ms) of the processes `match` picks, with their reaped children's. */
function cpuMs(match: (pid: string, cmdline: string) => boolean): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (!match(pid, readFileSync(`/proc/${pid}/cmdline`, 'utf8'))) continue;
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    } catch {
      // the process ended meanwhile
    }
  }
  return ticks * TICK_MS;
}
const postgresCpu = () => cpuMs((_, cmd) => cmd.startsWith('postgres'));

async function run(receiver: Receiver, nodes: number, schema: string) {
  // The nodes share one schema and one secret key, as nodes of one deployment do.
  const config = join(tmpdir(), `${schema}.yaml`);
  writeFileSync(config, `database_schema: ${schema}\nsecret_key: ${newSecretKey()}\n`);
  const env = { DATABASE_URL: POSTGRES_URL, HOOKLINE_CONFIG: config };
  const served: Array<{ child: ChildProcess; api: string }> = [];
  for (let i = 0; i < nodes; i++) served.push(await serve([], env));
  const agent = new Agent({ connections: IN_FLIGHT });
  try {
    const job = { id: 'bench', webhook: { url: receiver.url, body: BODY } };
    const created = await fetch(`${served[0].api}/api/v1/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(job) });
    if (created.status !== 201) throw new Error(`creating the job failed: ${await created.text()}`);
    receiver.reset();
    const pids = new Set(served.map((s) => String(s.child.pid)));
    const nodesCpu = () => cpuMs((pid) => pids.has(pid));
    const [pg0, nodes0, wal0] = [postgresCpu(), nodesCpu(), await walPosition()];
    const started = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
      while (next < N) {
        const { api } = served[next++ % nodes];
        const res = await request(`${api}/api/v1/jobs/bench/trigger`, { method: 'POST', dispatcher: agent, body: '{}', headers: { 'content-type': 'application/json' } });
        await res.body.text();
        if (res.statusCode !== 202) throw new Error(`a trigger was answered ${res.statusCode}`);
      }
    }));
    const rate = N / (((await receiver.until(N)) - started) / 1000);
    const twice = [...receiver.calls.values()].filter((c) => c > 1).length;
    const walBytes = (await walPosition()) - wal0;
    return { rate, twice, postgresUs: ((postgresCpu() - pg0) / N) * 1000, nodesUs: ((nodesCpu() - nodes0) / N) * 1000, walBytes: walBytes / N };
  } finally {
    await agent.close();
    for (const s of served) await stop(s.child);
    await dropSchema(schema);
    rmSync(config, { force: true });
  }
}

/** Statements per delivery: one node in this process, its PostgreSQL client counting what it sends. */
async function statementsPerDelivery(receiver: Receiver, schema: string): Promise<number> {
  let statements = 0;
  const query = pg.Client.prototype.query;
  const counted = function (this: pg.Client, ...args: unknown[]) {
    statements++;
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  };
  const config = parseConfig({ port: 0, database: POSTGRES_URL, database_schema: schema, log_level: 'warn', secret_key: newSecretKey(), egress: { allow: ['127.0.0.0/8'] } });
  const app = await createApp(config, { log: createLogger('warn') });
  try {
    await app.listen();
    await app.server.inject({ method: 'PUT', url: '/api/v1/jobs/bench', payload: { id: 'bench', webhook: { url: receiver.url, body: BODY } } });
    receiver.reset();
    (pg.Client.prototype as { query: unknown }).query = counted;
    let next = 0;
    await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
      while (next++ < N) await app.trigger('bench', { type: 'manual', body: null });
    }));
    await receiver.until(N);
    await app.close();
    return statements / N;
  } finally {
    (pg.Client.prototype as { query: unknown }).query = query;
    await dropSchema(schema);
  }
}

/** Where PostgreSQL's write-ahead log stands, in bytes. */
async function walPosition(): Promise<number> {
  const client = new pg.Client(POSTGRES_URL);
  await client.connect();
  try {
    return Number((await client.query(`SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0') AS at`)).rows[0].at);
  } finally {
    await client.end();
  }
}

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client(POSTGRES_URL);
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => client.end());
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const show = (name: string, r: Awaited<ReturnType<typeof run>>) =>
  `${name}: ${r.rate.toFixed(0)} deliveries/s, ${r.twice === 0 ? 'each execution delivered once' : `${r.twice} executions delivered TWICE`}; ` +
  `PostgreSQL CPU ${r.postgresUs.toFixed(0)} µs/delivery, WAL ${(r.walBytes / 1024).toFixed(1)} KiB/delivery, nodes' CPU ${r.nodesUs.toFixed(0)} µs/delivery`;

async function main() {
  const receiver = await startReceiver();
  const schema = (name: string) => `nodes_${name}_${process.pid}`;
  try {
    console.log(`N=${N}; ${IN_FLIGHT} trigger requests in flight, spread over the nodes; one PostgreSQL schema shared`);
    await run(receiver, 1, schema('warm')); // warm-up
    const ratios: number[] = [];
    const all: Array<Awaited<ReturnType<typeof run>>> = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const one = await run(receiver, 1, schema(`one${round}`));
      const two = await run(receiver, 2, schema(`two${round}`));
      all.push(one, two);
      ratios.push(two.rate / one.rate);
      console.log(`round ${round}: ${show('one node', one)}`);
      console.log(`round ${round}: ${show('two nodes', two)}`);
      if (one.twice + two.twice > 0) process.exitCode = 1;
    }
    console.log(`statements per delivery (one node): ${(await statementsPerDelivery(receiver, schema('count'))).toFixed(2)}`);
    console.log(`PostgreSQL CPU per delivery (median of runs): ${median(all.map((r) => r.postgresUs)).toFixed(0)} µs`);
    console.log(`two/one nodes ratio: ${median(ratios).toFixed(2)}`);
  } finally {
    await receiver.close();
  }
}

await main();
