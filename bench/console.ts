/**
 * bench:console — the API routes the console reads, on a store holding a large history
 * (1,000,000 executions by default, over the last 10 days: 100,000 a day), on SQLite and on
 * PostgreSQL. For each route: p50/p99 of the time from request to whole answer over loopback,
 * REQUESTS requests one after another after a warm-up; the same run's `/healthz` is the floor of
 * any request. The store is filled in SQL (see console-load.ts) after the node made a few real
 * executions to copy, and one execution of a 10-task job whose every task answered 500 twice
 * before it succeeded (10 tasks, 30 attempts).
 *
 *   npm run bench:console                         # 1,000,000 executions, both stores
 *   BENCH_EXECUTIONS=100000 BENCH_STORES=sqlite npm run bench:console
 */
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { createApp, type App } from '../src/app.js';
import { parseConfig } from '../src/config/config.js';
import { createLogger } from '../src/log.js';
import { newSecretKey } from '../src/secrets/sealer.js';
import { cleanUp, percentile, POSTGRES_URL } from './bench-support.js';
import { ENDPOINTS, JOBS, loadPostgres, loadSqlite, type Sample, type Shape } from './console-load.js';

const COUNT = Number(process.env.BENCH_EXECUTIONS ?? 1_000_000);
const DAYS = Number(process.env.BENCH_DAYS ?? 10);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const WARM_UP = 20;
const STORES = (process.env.BENCH_STORES ?? 'sqlite,postgres').split(',');
const DAG_TASKS = 10;

/** A receiver that answers 500 to the first two attempts of each task of the 10-task job, 200 otherwise. */
async function startReceiver() {
  const seen = new Map<string, number>();
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const key = `${String(req.headers['x-hookline-execution-id'])} ${req.url}`;
      const n = (seen.get(key) ?? 0) + 1;
      seen.set(key, n);
      res.writeHead(req.url?.startsWith('/dag/') && n <= 2 ? 500 : 200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

async function api(base: string, method: string, path: string, body?: unknown): Promise<any> {
  // One connection a call (`reset`): the bench's set-up pauses longer than the server keeps an idle connection.
  const res = await request(base + path, { method: method as 'GET', reset: true, body: body === undefined ? undefined : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const text = await res.body.text();
  if (res.statusCode >= 400) throw new Error(`${method} ${path}: ${res.statusCode} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

async function waitEnded(base: string, job: string, id: string): Promise<any> {
  for (;;) {
    const e = await api(base, 'GET', `/api/v1/jobs/${job}/executions/${id}`);
    if (e.finished_at && e.notifications?.every((n: { status: string }) => n.status !== 'pending')) return e;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The node's own executions: one of job-00 to copy from, and the 10-task one the bench reads. */
async function seed(app: App, base: string, receiver: string): Promise<{ sample: Sample; dag: string }> {
  for (let e = 0; e < ENDPOINTS; e++) await api(base, 'PUT', `/api/v1/endpoints/ep-${String(e).padStart(2, '0')}`, { url: `${receiver}/ep/${e}` });
  for (let j = 0; j < JOBS; j++) {
    const id = `job-${String(j).padStart(2, '0')}`;
    await api(base, 'PUT', `/api/v1/jobs/${id}`, { namespace: `ns-${j % 10}`, webhook: { endpoint: `ep-${String(j % ENDPOINTS).padStart(2, '0')}`, body: { job: id } } });
  }
  const tasks = Array.from({ length: DAG_TASKS }, (_, t) => ({ name: `t${t}`, depends_on: t === 0 ? [] : [`t${t - 1}`], webhook: { url: `${receiver}/dag/${t}` } }));
  await api(base, 'PUT', '/api/v1/jobs/dag', { tasks, retry_policy: { max_attempts: 3, initial_interval: '100ms', max_interval: '100ms' } });
  const first = (await api(base, 'POST', '/api/v1/jobs/job-00/trigger', { order: 1 })).id;
  const dag = (await api(base, 'POST', '/api/v1/jobs/dag/trigger', { order: 2 })).id;
  await waitEnded(base, 'job-00', first);
  const ended = await waitEnded(base, 'dag', dag);
  if (ended.status !== 'succeeded' || ended.attempt_log.length !== DAG_TASKS * 3) throw new Error(`the 10-task execution ended ${ended.status} with ${ended.attempt_log.length} attempts`);
  const [row] = await app.store.listAttempts(first);
  const execution = (await app.store.getExecutionById(first))!;
  return { sample: { trigger: execution.trigger, request: execution.request!, response: execution.response!, attemptRequest: row.request, responseHeaders: row.response_headers ?? '{}' }, dag };
}

/** p50 and p99 (ms) of `path` answered REQUESTS times in a row, after a warm-up. */
async function measure(agent: Agent, base: string, path: string): Promise<{ p50: number; p99: number; bytes: number }> {
  const times: number[] = [];
  let bytes = 0;
  for (let n = 0; n < WARM_UP + REQUESTS; n++) {
    const started = performance.now();
    const res = await request(base + path, { dispatcher: agent });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`${path}: ${res.statusCode} ${text}`);
    if (n >= WARM_UP) times.push(performance.now() - started);
    bytes = text.length;
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), bytes };
}

/** The console's reads: every executions filter, a second page, an execution with 10 tasks, the overview, jobs, an endpoint. */
function routes(shape: Shape, dag: string, cursor: (path: string) => Promise<string>) {
  const day = (n: number) => new Date(shape.end - n * 86_400_000).toISOString();
  return [
    ['healthz (floor)', '/healthz'],
    ['executions', '/api/v1/executions'],
    ['executions, page 2', async () => `/api/v1/executions?cursor=${await cursor('/api/v1/executions')}`],
    ['executions ?status=failed', '/api/v1/executions?status=failed'],
    ['executions ?job=', '/api/v1/executions?job=job-42'],
    ['executions ?namespace=', '/api/v1/executions?namespace=ns-3'],
    ['executions ?trigger=webhook', '/api/v1/executions?trigger=webhook'],
    ['executions ?since=&until= (a day, 5 days ago)', `/api/v1/executions?since=${day(5)}&until=${day(4)}`],
    ['executions ?error=timed', '/api/v1/executions?error=timed'],
    ['executions ?error= (matching none)', '/api/v1/executions?error=no-such-error'],
    ['executions ?trigger=retry (none)', '/api/v1/executions?trigger=retry'],
    ['executions ?status=failed&job=', '/api/v1/executions?status=failed&job=job-42'],
    ['execution with 10 tasks, 30 attempts', `/api/v1/executions/${dag}`],
    ['overview ?window=1h', '/api/v1/overview?window=1h'],
    ['overview ?window=24h', '/api/v1/overview?window=24h'],
    ['jobs (with last status)', '/api/v1/jobs'],
    ['endpoint attempts', '/api/v1/endpoints/ep-07/attempts'],
    ['endpoint stats ?window=24h', '/api/v1/endpoints/ep-07/stats?window=24h'],
  ] as const;
}

async function benchStore(kind: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-bench-console-'));
  const schema = `bench_console_${process.pid}`;
  const database = kind === 'sqlite' ? join(dir, 'hookline.db') : POSTGRES_URL;
  const receiver = await startReceiver();
  try {
    const config = parseConfig({ port: 0, database, database_schema: kind === 'sqlite' ? undefined : schema, log_level: 'error', secret_key: newSecretKey(), egress: { allow: ['127.0.0.0/8'] } });
    const app = await createApp(config, { log: createLogger('error') });
    const base = await app.listen();
    try {
      const { sample, dag } = await seed(app, base, receiver.url);
      const shape: Shape = { count: COUNT, days: DAYS, end: Date.now() - 60_000 };
      const loading = performance.now();
      const progress = (done: number) => process.stdout.write(`\r  ${kind}: ${done.toLocaleString('en')} of ${COUNT.toLocaleString('en')} executions written`);
      if (kind === 'sqlite') loadSqlite(database, shape, sample, progress);
      else await loadPostgres(POSTGRES_URL, schema, shape, sample, progress);
      console.log(` in ${((performance.now() - loading) / 1000).toFixed(0)} s`);
      const day = await api(base, 'GET', '/api/v1/overview?window=24h');
      console.log(`  the overview counts ${day.attempts.toLocaleString('en')} attempts in the last 24 h (${Math.round(COUNT / DAYS).toLocaleString('en')} generated a day)`);
      const agent = new Agent({ connections: 1 });
      const cursor = async (path: string) => (await api(base, 'GET', path)).next_cursor as string;
      console.log(`| route | ${kind} p50 ms | p99 ms | answer bytes |`);
      for (const [name, path] of routes(shape, dag, cursor)) {
        const r = await measure(agent, base, typeof path === 'string' ? path : await path());
        console.log(`| ${name} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.bytes} |`);
      }
      await agent.close();
    } finally {
      await app.close();
    }
  } finally {
    await receiver.close();
    await cleanUp(dir, schema);
  }
}

console.log(`bench:console — ${COUNT.toLocaleString('en')} executions over ${DAYS} days, ${REQUESTS} requests per route`);
for (const kind of STORES) await benchStore(kind);
