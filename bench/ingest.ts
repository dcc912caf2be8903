/**
 * bench:ingest — autocannon against a hook URL (a JSON body of ~1 KiB, no conditions), served by a
 * real `hookline serve` process on SQLite and on PostgreSQL, and in the same run against a bare
 * Fastify route that answers 200 (bench/bare-server.ts) and the same route committing, before it
 * answers, through Hookline's own store: one execution row (the least any durable ingest does), and
 * a hook call's whole record as Hookline keeps it (on the store's thread, and on the main thread) —
 * the floor of Hookline's ingest, whatever its judging costs — and the three rows of that record
 * alone written with the driver directly (on PostgreSQL one statement a batch): the least the
 * record could cost in each store. Prints req/s and latency p50/p99 for
 * each, and checks that every accepted call (200) was committed: its execution and invocation are rows.
 * The ingesting node runs the api role only, so the figure is ingest alone; BENCH_ROLES=api,worker
 * (with a receiver on 127.0.0.1) measures it while the same node also makes the calls.
 * BENCH_KEYED=1: every call carries a delivery id of its own (`webhook-id`), as GitHub's and Standard
 * Webhooks' senders do, so each execution is written with an idempotency key.
 * SQLite and the bare route run in alternating rounds; the ratio is the median of the rounds'.
 * Loopback only; each run lasts BENCH_SECONDS.
 *
 *   npm run bench:ingest
 *   BENCH_SECONDS=20 BENCH_ROUNDS=5 BENCH_CONNECTIONS=64 BENCH_STORES=sqlite npm run bench:ingest
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import pg from 'pg';
import { cleanUp, POSTGRES_URL, serve, startReceiver, stop } from './bench-support.js';
import { newSecretKey } from '../src/secrets/sealer.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const STORES = (process.env.BENCH_STORES ?? 'sqlite,postgres').split(',');
const ROLES = process.env.BENCH_ROLES ?? 'api';
const KEYED = process.env.BENCH_KEYED === '1';
const KEY = 'bench-ingest-key-0123456789abcdef';
const BODY = JSON.stringify({ event: 'push', ref: 'refs/heads/main', commits: Array.from({ length: 8 }, (_, i) => ({ id: `c${i}`.padEnd(40, '0'), message: 'x'.repeat(60) })) });

interface Figures {
  rate: number;
  p50: number;
  p99: number;
  ok: number;
  other: number;
}

let deliveries = 0;

async function load(url: string): Promise<Figures> {
  const result = await autocannon({
    url,
    method: 'POST',
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: { 'content-type': 'application/json' },
    body: BODY,
    ...(KEYED && { requests: [{ setupRequest: (req) => ({ ...req, headers: { ...req.headers, 'webhook-id': `msg_${++deliveries}` } }) }] }),
  });
  return { rate: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, ok: result['2xx'], other: result.non2xx + result.errors + result.timeouts };
}

const show = (name: string, f: Figures) =>
  `${name} ${f.rate.toFixed(0)} req/s, p50 ${f.p50} ms, p99 ${f.p99} ms (${f.ok} answered 2xx, ${f.other} not)`;

/** What the bare route commits before it answers, and where (see bench/bare-server.ts). */
interface BareWrite {
  store: string;
  write: 'row' | 'record' | 'rows';
  inline?: boolean;
  schema?: string;
}

/** The bare route (bench/bare-server.ts), committing `writes` when given. */
async function bare(writes?: BareWrite): Promise<Figures> {
  const env = {
    ...process.env,
    ...(writes && { BARE_STORE: writes.store, BARE_WRITE: writes.write, BARE_INLINE: writes.inline ? '1' : '', BARE_SCHEMA: writes.schema ?? '' }),
  };
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./bare-server.ts', import.meta.url).pathname], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const address = await new Promise<string>((resolve) => child.stdout!.once('data', (c) => resolve(String(c).trim())));
  try {
    return await load(`${address}/hook`);
  } finally {
    await stop(child);
  }
}

async function countRows(database: string, schema: string | undefined): Promise<{ executions: number; invocations: number }> {
  const sql = `SELECT (SELECT COUNT(*) FROM executions) AS executions, (SELECT COUNT(*) FROM invocations) AS invocations`;
  if (!schema) {
    const db = new Database(database, { readonly: true });
    try {
      return db.prepare(sql).get() as { executions: number; invocations: number };
    } finally {
      db.close();
    }
  }
  const client = new pg.Client(POSTGRES_URL);
  await client.connect();
  try {
    await client.query(`SET search_path TO ${schema}`);
    const row = (await client.query(sql)).rows[0];
    return { executions: Number(row.executions), invocations: Number(row.invocations) };
  } finally {
    await client.end();
  }
}

async function hookline(dir: string, name: string, receiverUrl: string, schema?: string): Promise<Figures> {
  const database = schema ? POSTGRES_URL : join(dir, `${name}.db`);
  const config = join(dir, `${name}.yaml`);
  const limits = 'hooks:\n  rate_limit:\n    per_hook: 1000000000\n    per_namespace: 1000000000\n';
  writeFileSync(config, `secret_key: ${newSecretKey()}\nroles: [${ROLES}]\n${schema ? `database_schema: ${schema}\n` : ''}${limits}`);
  const { child, api } = await serve(['--config', config, ...(schema ? [] : ['--db', database])], schema ? { DATABASE_URL: database } : {});
  let figures: Figures;
  try {
    const job = { id: 'bench', triggers: [{ type: 'webhook', key: KEY }], webhook: { url: receiverUrl, body: '{"ref": "{{ trigger.body.ref }}"}' } };
    const created = await fetch(`${api}/api/v1/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(job) });
    if (created.status !== 201) throw new Error(`creating the job failed: ${await created.text()}`);
    figures = await load(`${api}/api/v1/executions/webhook/default/bench/${KEY}`);
  } finally {
    await stop(child as ChildProcess);
  }
  const rows = await countRows(database, schema);
  // Calls still in flight when the load stopped are committed but not counted as answered.
  const committed = rows.executions >= figures.ok && rows.executions <= figures.ok + CONNECTIONS && rows.invocations === rows.executions;
  console.log(`  ${name}: ${figures.ok} answered 200; ${rows.executions} executions and ${rows.invocations} invocations stored: ${committed ? 'every accepted call committed' : 'MISMATCH'}`);
  if (!committed) process.exitCode = 1;
  return figures;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-ingest-'));
  const schema = `bench_ingest_${process.pid}`;
  const receiver = await startReceiver();
  try {
    console.log(`autocannon: ${CONNECTIONS} connections, ${SECONDS} s per run, ${Buffer.byteLength(BODY)}-byte JSON body; hookline roles: ${ROLES}`);
    await bare(); // warm-up
    const ratios: number[] = [];
    const floorRatios: number[] = [];
    const sqliteRates: number[] = [];
    const recordRates: number[] = [];
    const rowsRates: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const base = await bare();
      const row = await bare({ store: join(dir, `bare-row-${round}.db`), write: 'row' });
      const record = await bare({ store: join(dir, `bare-record-${round}.db`), write: 'record' });
      const inline = await bare({ store: join(dir, `bare-inline-${round}.db`), write: 'record', inline: true });
      const rows = await bare({ store: join(dir, `bare-rows-${round}.db`), write: 'rows' });
      const sqlite = await hookline(dir, `round-${round}`, receiver.url);
      const of = (f: Figures) => `(${(f.rate / base.rate).toFixed(2)})`;
      ratios.push(sqlite.rate / base.rate);
      floorRatios.push(Math.max(record.rate, inline.rate) / base.rate);
      sqliteRates.push(sqlite.rate);
      recordRates.push(record.rate);
      rowsRates.push(rows.rate);
      console.log(
        `round ${round}: ${show('bare fastify', base)}; ${show('bare + one committed row', row)} ${of(row)}; ` +
          `${show("bare + a call's record", record)} ${of(record)}; ${show("bare + a call's record on the main thread", inline)} ${of(inline)}; ` +
          `${show("bare + the record's three rows alone", rows)} ${of(rows)}; ` +
          `${show('hookline sqlite', sqlite)}; ratio ${(sqlite.rate / base.rate).toFixed(2)}`,
      );
    }
    let postgres: { rate: number; record: number; rows: number } | undefined;
    if (STORES.includes('postgres')) {
      const base = await bare();
      const record = await bare({ store: POSTGRES_URL, schema: `${schema}_bare`, write: 'record' });
      const rows = await bare({ store: POSTGRES_URL, schema: `${schema}_rows`, write: 'rows' });
      const hook = await hookline(dir, 'postgres', receiver.url, schema);
      console.log(
        `postgres: ${show('bare fastify', base)}; ${show("bare + a call's record", record)}; ${show("bare + the record's three rows alone", rows)}; ` +
          `${show('hookline postgres', hook)}; ratio ${(hook.rate / base.rate).toFixed(2)}`,
      );
      postgres = { rate: hook.rate, record: record.rate, rows: rows.rate };
    }
    console.log(`ingest/bare ratio: ${median(ratios).toFixed(2)}`);
    // The most any ingest that keeps Hookline's record of a call could reach on this machine and store.
    console.log(`record/bare ratio: ${median(floorRatios).toFixed(2)}`);
    // PostgreSQL's hook calls/s over the median SQLite round's, in this run; and the same of the bare route's record alone.
    if (postgres) {
      console.log(`pg/sqlite ingest ratio: ${(postgres.rate / median(sqliteRates)).toFixed(2)}`);
      console.log(`pg/sqlite record ratio: ${(postgres.record / median(recordRates)).toFixed(2)}`);
      console.log(`pg/sqlite rows ratio: ${(postgres.rows / median(rowsRates)).toFixed(2)}`);
    }
  } finally {
    await receiver.close();
    await cleanUp(dir, schema);
    await cleanUp(dir, `${schema}_bare`);
    await cleanUp(dir, `${schema}_rows`);
  }
}

await main();
