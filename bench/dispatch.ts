/**
 * bench:dispatch — N triggered executions (each committed before its trigger returns) delivered
 * to a minimal receiver on 127.0.0.1, on SQLite and on PostgreSQL, against a bare undici loop
 * sending the same requests (method, headers, body, concurrency) to the same receiver.
 * Prints deliveries/s and trigger-to-receipt latency p50/p99. Loopback only; bounded by N.
 * SQLite and the bare loop are measured in alternating rounds (the machine's speed drifts); the
 * ratio is the median of the rounds' ratios.
 *
 *   npm run bench:dispatch            # N=5000, 3 rounds
 *   BENCH_N=20000 BENCH_ROUNDS=5 npm run bench:dispatch
 *   BENCH_STORES=sqlite npm run bench:dispatch
 */
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { v7 as uuidv7 } from 'uuid';
import { createApp } from '../src/app.js';
import { cleanUp, percentile, POSTGRES_URL } from './bench-support.js';
import { parseConfig } from '../src/config/config.js';
import { DEFAULTS } from '../src/config/defaults.js';
import { USER_AGENT } from '../src/version.js';
import { createLogger } from '../src/log.js';
import { newSecretKey } from '../src/secrets/sealer.js';

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
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const received = new Map<string, number>();
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const id = req.headers['x-hookline-execution-id'] as string | undefined;
      if (id && !received.has(id)) received.set(id, performance.now());
      res.writeHead(200).end();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
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
  const config = parseConfig({ port: 0, database, database_schema: schema, log_level: 'warn', secret_key: newSecretKey() });
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

async function main() {
  const receiver = await startReceiver();
  const dir = mkdtempSync(join(tmpdir(), 'hookline-bench-'));
  const schema = `bench_${process.pid}`;
  try {
    await bare(receiver); // warm-up
    await hookline(receiver, join(dir, 'warm-up.db')); // warm-up
    console.log(`N=${N}; bare loop and worker: ${CALL_CONCURRENCY} calls in flight; ${TRIGGER_CONCURRENCY} triggers in flight`);
    const ratios: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const bareRate = await bare(receiver);
      const sqlite = await hookline(receiver, join(dir, `round-${round}.db`));
      ratios.push(sqlite.rate / bareRate);
      console.log(
        `round ${round}: bare undici loop ${bareRate.toFixed(0)} req/s; hookline sqlite ${sqlite.rate.toFixed(0)} deliveries/s, ` +
          `p50 ${sqlite.p50.toFixed(1)} ms, p99 ${sqlite.p99.toFixed(1)} ms; ratio ${(sqlite.rate / bareRate).toFixed(2)}`,
      );
    }
    if (STORES.includes('postgres')) {
      const bareRate = await bare(receiver);
      const postgres = await hookline(receiver, POSTGRES_URL, schema);
      console.log(
        `postgres: bare undici loop ${bareRate.toFixed(0)} req/s; hookline postgres ${postgres.rate.toFixed(0)} deliveries/s, ` +
          `p50 ${postgres.p50.toFixed(1)} ms, p99 ${postgres.p99.toFixed(1)} ms; postgres/bare ratio ${(postgres.rate / bareRate).toFixed(2)}`,
      );
    }
    console.log(`dispatch/bare ratio: ${median(ratios).toFixed(2)}`);
  } finally {
    await receiver.close();
    await cleanUp(dir, schema);
  }
}

await main();
