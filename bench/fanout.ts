/**
 * bench:fanout — events published through the API to 1, 10 and 100 subscribed endpoints on
 * 127.0.0.1, on SQLite and on PostgreSQL: events/s published (each answered 202 once it and its
 * deliveries are committed) and deliveries/s made (first publish to last delivery received). The
 * same run's baseline is the same number of calls made as plain job executions (one task each,
 * triggered the same way), so `fanout/tasks` is what a delivery costs beside a task. Then one FIFO
 * endpoint: deliveries/s, one at a time in event order, beside a loop making the same calls one at
 * a time. Loopback only; bounded by the counts.
 *
 *   npm run bench:fanout                       # 10,000 deliveries a case
 *   BENCH_DELIVERIES=20000 BENCH_STORES=sqlite npm run bench:fanout
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { createApp, type App } from '../src/app.js';
import { parseConfig } from '../src/config/config.js';
import { createLogger } from '../src/log.js';
import { newSecretKey } from '../src/secrets/sealer.js';
import { cleanUp, POSTGRES_URL, startReceiver } from './bench-support.js';

const DELIVERIES = Number(process.env.BENCH_DELIVERIES ?? 10_000);
const FIFO_EVENTS = Number(process.env.BENCH_FIFO_EVENTS ?? 500);
const FANOUTS = (process.env.BENCH_FANOUTS ?? '1,10,100').split(',').map(Number);
const STORES = (process.env.BENCH_STORES ?? 'sqlite,postgres').split(',');
const PUBLISH_CONCURRENCY = 32;
const PAYLOAD = { invoice: 'in_bench', amount: 4200, lines: 'x'.repeat(150) };

let received = 0;
const receiver = await startReceiver(() => void received++);

async function node(database: string, schema?: string): Promise<{ app: App; post: (path: string, body: unknown) => Promise<void> }> {
  const config = parseConfig({ port: 0, database, database_schema: schema, log_level: 'warn', secret_key: newSecretKey(), egress: { allow: ['127.0.0.0/8'] } });
  const app = await createApp(config, { log: createLogger('warn') });
  const url = await app.listen();
  const agent = new Agent({ connections: PUBLISH_CONCURRENCY });
  const post = async (path: string, body: unknown) => {
    const res = await request(url + path, { method: 'POST', dispatcher: agent, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    const text = await res.body.text();
    if (res.statusCode >= 300) throw new Error(`${path} answered ${res.statusCode}: ${text}`);
  };
  return { app, post };
}

async function pool(count: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) await fn(next++);
  }));
}

async function until(count: number): Promise<number> {
  const deadline = Date.now() + 600_000;
  while (received < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
  if (received < count) throw new Error(`only ${received} of ${count} calls arrived`);
  return performance.now();
}

/** `fanout` endpoints subscribed to every event; DELIVERIES / fanout events published. */
async function fanout(database: string, schema: string | undefined, k: number) {
  const { app, post } = await node(database, schema);
  for (let i = 0; i < k; i++) await post('/api/v1/endpoints', { name: `ep-${i}`, url: `${receiver.url}/${i}`, subscriptions: ['invoice.*'] });
  const events = Math.max(1, Math.floor(DELIVERIES / k));
  received = 0;
  const started = performance.now();
  await pool(events, PUBLISH_CONCURRENCY, () => post('/api/v1/events', { type: 'invoice.paid', payload: PAYLOAD }));
  const published = performance.now();
  const done = await until(events * k);
  await app.close();
  return { events, published: events / ((published - started) / 1000), delivered: (events * k) / ((done - started) / 1000) };
}

/** The baseline: the same number of calls as one-task executions, triggered through the API. */
async function tasks(database: string, schema: string | undefined) {
  const { app, post } = await node(database, schema);
  await post('/api/v1/jobs', { id: 'bench', webhook: { url: `${receiver.url}/task`, body: PAYLOAD } });
  received = 0;
  const started = performance.now();
  await pool(DELIVERIES, PUBLISH_CONCURRENCY, () => post('/api/v1/jobs/bench/trigger', {}));
  const done = await until(DELIVERIES);
  await app.close();
  return DELIVERIES / ((done - started) / 1000);
}

/** One FIFO endpoint: its deliveries one at a time, in event order. */
async function fifo(database: string, schema: string | undefined) {
  const { app, post } = await node(database, schema);
  await post('/api/v1/endpoints', { name: 'ordered', url: `${receiver.url}/fifo`, subscriptions: ['ledger.*'], ordering: 'fifo' });
  // Published while the endpoint is paused; the drain is timed from its resumption to the last delivery.
  await post('/api/v1/endpoints/ordered/pause', {});
  for (let i = 0; i < FIFO_EVENTS; i++) await post('/api/v1/events', { type: 'ledger.entry', payload: { seq: i } });
  received = 0;
  const started = performance.now();
  await post('/api/v1/endpoints/ordered/resume', {});
  const done = await until(FIFO_EVENTS);
  await app.close();
  return FIFO_EVENTS / ((done - started) / 1000);
}

/** The same calls one at a time from a bare loop: the floor of any one-at-a-time delivery. */
async function sequentialLoop(): Promise<number> {
  const agent = new Agent({ connections: 1 });
  const started = performance.now();
  for (let i = 0; i < FIFO_EVENTS; i++) {
    const res = await request(`${receiver.url}/loop`, { method: 'POST', dispatcher: agent, body: JSON.stringify({ seq: i }), headers: { 'content-type': 'application/json' } });
    await res.body.text();
  }
  await agent.close();
  return FIFO_EVENTS / ((performance.now() - started) / 1000);
}

const dir = mkdtempSync(join(tmpdir(), 'hookline-fanout-'));
const schemas: string[] = [];
let n = 0;
const where = (store: string): [string, string | undefined] => {
  n++;
  if (store === 'sqlite') return [join(dir, `run-${n}.db`), undefined];
  const schema = `bench_fanout_${process.pid}_${n}`;
  schemas.push(schema);
  return [POSTGRES_URL, schema];
};

try {
  console.log(`${DELIVERIES} deliveries a case; ${PUBLISH_CONCURRENCY} publishes in flight; FIFO: ${FIFO_EVENTS} events`);
  for (const store of STORES) {
    await fanout(...where(store), 10); // warm-up
    const baseline = await tasks(...where(store));
    console.log(`${store}: baseline, one-task executions triggered through the API: ${baseline.toFixed(0)} calls/s`);
    for (const k of FANOUTS) {
      const r = await fanout(...where(store), k);
      console.log(
        `${store}: ${k} endpoint${k === 1 ? '' : 's'}: ${r.events} events, published ${r.published.toFixed(0)} events/s, ` +
          `delivered ${r.delivered.toFixed(0)} deliveries/s; fanout/tasks ratio ${(r.delivered / baseline).toFixed(2)}`,
      );
    }
    const loop = await sequentialLoop();
    const ordered = await fifo(...where(store));
    console.log(`${store}: FIFO endpoint ${ordered.toFixed(0)} deliveries/s; one-at-a-time bare loop ${loop.toFixed(0)} calls/s; fifo/loop ratio ${(ordered / loop).toFixed(3)}`);
  }
} finally {
  await receiver.close();
  await cleanUp(dir, 'bench_fanout_none');
  for (const s of schemas) await cleanUp(dir, s);
}
