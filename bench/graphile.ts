/**
 * bench:graphile — Hookline on PostgreSQL against what a user would build instead: graphile-worker
 * on the same PostgreSQL, with a task that POSTs each job's payload to the same loopback receiver
 * with undici, 128 jobs at once, its documented batching on (a local queue of concurrency + 1 and
 * batched completions and failures). Two figures, each the median of alternating rounds:
 *
 * - end to end: N jobs added one call each, 64 calls in flight, until every one is delivered
 *   (graphile-worker: addJob; Hookline: its trigger path, each execution committed before the call
 *   returns) — `hookline-pg/graphile-worker ratio`;
 * - drain: N jobs already queued before the worker starts (graphile-worker: added in batches;
 *   Hookline: executions committed while its worker is stopped), until every one is delivered —
 *   `hookline-pg/graphile-worker drain ratio`; and the same backlog drained with Hookline's record
 *   written by its store and nothing of its worker (bench/store-drain.ts) — the drain's floor,
 *   `hookline-pg record floor/graphile-worker drain ratio`.
 *
 * Loopback only; bounded by N.
 *
 *   npm run bench:graphile               # N=5000, 2 rounds
 *   BENCH_N=10000 BENCH_ROUNDS=3 npm run bench:graphile
 */
import { Logger, makeWorkerUtils, run, type Runner, type WorkerUtils } from 'graphile-worker';
import pg from 'pg';
import { Agent, request } from 'undici';
import { createApp, type App } from '../src/app.js';
import { parseConfig } from '../src/config/config.js';
import { createLogger } from '../src/log.js';
import { newSecretKey } from '../src/secrets/sealer.js';
import { POSTGRES_URL, startReceiver as startLoopbackReceiver } from './bench-support.js';
import { drainThroughStore } from './store-drain.js';

const N = Number(process.env.BENCH_N ?? 5000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const ADD_CONCURRENCY = 64;
const CONCURRENCY = 128;
const BODY = { event: 'bench', payload: 'x'.repeat(200) };
/** Jobs per addJobs call when graphile-worker's backlog is queued. */
const ADD_BATCH = 500;

/** Counts POSTs by the id each carries (a header from Hookline, the body's `id` from the graphile-worker task). */
async function startReceiver() {
  let count = 0;
  let last = 0;
  const receiver = await startLoopbackReceiver(() => {
    count++;
    last = performance.now();
  });
  return {
    ...receiver,
    reset: () => ((count = 0), (last = 0)),
    /** Waits until `n` calls came; returns when the last came. */
    async until(n: number): Promise<number> {
      const deadline = Date.now() + 300_000;
      while (count < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
      if (count < n) throw new Error(`only ${count} of ${n} calls came`);
      return last;
    },
  };
}
type Receiver = Awaited<ReturnType<typeof startReceiver>>;

async function inParallel(count: number, concurrency: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) await fn(next++);
  }));
}

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client(POSTGRES_URL);
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => client.end());
}

/** graphile-worker as its documentation has it at its fastest: a local queue and batched completions. */
function graphileRunner(receiver: Receiver, schema: string): Promise<Runner> {
  const agent = new Agent({ connections: 256, keepAliveTimeout: 10_000 });
  return run({
    connectionString: POSTGRES_URL,
    concurrency: CONCURRENCY,
    noHandleSignals: true,
    pollInterval: 1000,
    logger: quietLogger,
    taskList: {
      post: async (payload) => {
        const res = await request(receiver.url, {
          method: 'POST', dispatcher: agent, body: JSON.stringify(payload), headers: { 'content-type': 'application/json' },
        });
        await res.body.text();
        if (res.statusCode >= 300) throw new Error(`HTTP ${res.statusCode}`);
      },
    },
    preset: {
      worker: {
        schema,
        maxPoolSize: 10,
        localQueue: { size: CONCURRENCY + 1 },
        completeJobBatchDelay: 0,
        failJobBatchDelay: 0,
      },
    },
  });
}

async function graphile(receiver: Receiver, schema: string) {
  const utils: WorkerUtils = await makeWorkerUtils({ connectionString: POSTGRES_URL, schema });
  await utils.migrate();
  // End to end: the worker runs while jobs are added one call each.
  let runner = await graphileRunner(receiver, schema);
  receiver.reset();
  let started = performance.now();
  await inParallel(N, ADD_CONCURRENCY, (i) => utils.addJob('post', { ...BODY, id: i }));
  const endToEnd = N / (((await receiver.until(N)) - started) / 1000);
  await runner.stop();
  // Drain: the jobs are queued before the worker starts.
  for (let at = 0; at < N; at += ADD_BATCH) {
    await utils.addJobs(Array.from({ length: Math.min(ADD_BATCH, N - at) }, (_, i) => ({ identifier: 'post', payload: { ...BODY, id: at + i } })));
  }
  receiver.reset();
  started = performance.now();
  runner = await graphileRunner(receiver, schema);
  const drain = N / (((await receiver.until(N)) - started) / 1000);
  await runner.stop();
  await utils.release();
  return { endToEnd, drain };
}

async function hooklineApp(receiver: Receiver, schema: string): Promise<App> {
  const config = parseConfig({ port: 0, database: POSTGRES_URL, database_schema: schema, log_level: 'warn', secret_key: newSecretKey(), egress: { allow: ['127.0.0.0/8'] } });
  const app = await createApp(config, { log: createLogger('warn') });
  const res = await app.server.inject({ method: 'PUT', url: '/api/v1/jobs/bench', payload: { id: 'bench', webhook: { url: receiver.url, body: JSON.stringify(BODY) } } });
  if (res.statusCode >= 300) throw new Error(`the job could not be written: ${res.body}`);
  return app;
}

async function hookline(receiver: Receiver, schema: string, floorSchema: string) {
  // End to end: the node serves while executions are triggered one call each.
  let app = await hooklineApp(receiver, schema);
  await app.listen();
  receiver.reset();
  let started = performance.now();
  await inParallel(N, ADD_CONCURRENCY, () => app.trigger('bench', { type: 'manual', body: null }));
  const endToEnd = N / (((await receiver.until(N)) - started) / 1000);
  await app.close();
  // Drain: executions committed while the worker is stopped.
  app = await hooklineApp(receiver, schema);
  await inParallel(N, ADD_CONCURRENCY, () => app.trigger('bench', { type: 'manual', body: null }));
  receiver.reset();
  started = performance.now();
  await app.worker.start();
  const drain = N / (((await receiver.until(N)) - started) / 1000);
  await app.close();
  // The drain's floor: the same backlog, the same record, written by the store without the worker.
  app = await hooklineApp(receiver, floorSchema);
  await inParallel(N, ADD_CONCURRENCY, () => app.trigger('bench', { type: 'manual', body: null }));
  receiver.reset();
  started = performance.now();
  await drainThroughStore(app.store, receiver.url, JSON.stringify(BODY), N, CONCURRENCY);
  const floor = N / (((await receiver.until(N)) - started) / 1000);
  await app.close();
  return { endToEnd, drain, floor };
}

const quietLogger = new Logger(() => () => {});
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
  const receiver = await startReceiver();
  const schemas: string[] = [];
  const schema = (name: string) => {
    schemas.push(`${name}_${process.pid}_${schemas.length}`);
    return schemas.at(-1)!;
  };
  try {
    console.log(`N=${N}; ${ADD_CONCURRENCY} adds in flight; ${CONCURRENCY} calls in flight; PostgreSQL for both`);
    await graphile(receiver, schema('gw_warm')); // warm-up
    await hookline(receiver, schema('hl_warm'), schema('hl_warm_floor'));
    const ratios: number[] = [];
    const drains: number[] = [];
    const floors: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const g = await graphile(receiver, schema('gw'));
      const h = await hookline(receiver, schema('hl'), schema('hl_floor'));
      ratios.push(h.endToEnd / g.endToEnd);
      drains.push(h.drain / g.drain);
      floors.push(h.floor / g.drain);
      console.log(
        `round ${round}: end to end graphile-worker ${g.endToEnd.toFixed(0)}/s, hookline ${h.endToEnd.toFixed(0)}/s; ` +
          `drain graphile-worker ${g.drain.toFixed(0)}/s, hookline ${h.drain.toFixed(0)}/s, its record alone ${h.floor.toFixed(0)}/s`,
      );
    }
    console.log(`hookline-pg/graphile-worker ratio: ${median(ratios).toFixed(2)}`);
    console.log(`hookline-pg/graphile-worker drain ratio: ${median(drains).toFixed(2)}`);
    console.log(`hookline-pg record floor/graphile-worker drain ratio: ${median(floors).toFixed(2)}`);
  } finally {
    await receiver.close();
    for (const s of schemas) await dropSchema(s);
  }
}

await main();
