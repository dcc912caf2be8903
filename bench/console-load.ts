/**
 * Fills a store with a large history for bench:console, straight in SQL: `count` finished
 * executions of 100 jobs in 10 namespaces spread evenly over the last `days`, each with its run
 * and its attempt through one of 20 endpoints. One in 13 failed (one in 26 by a timeout); a third
 * each were started by a schedule, a webhook and by hand. The rows copy what a real execution of
 * the same job stored (trigger, request, response), so the API reads them as it reads its own, and
 * the overview's counts of them are written as the node writes its own.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { DURATION_BOUNDS, HISTOGRAM_COLUMNS } from '../src/store/attempt-rollup.js';

export const JOBS = 100;
export const ENDPOINTS = 20;
const CHUNK = 100_000;

/** What a real execution stored, copied into every generated one. */
export interface Sample {
  trigger: string;
  request: string;
  response: string;
  attemptRequest: string;
  responseHeaders: string;
}

export interface Shape {
  count: number;
  /** Epoch ms of the newest execution; the oldest is `days` before. */
  end: number;
  days: number;
}

/** How each dialect writes the few expressions the generated rows need. */
interface Dialect {
  /** `n` zero-padded to `width` digits. */
  pad(n: string, width: number): string;
  param(i: number): string;
  /** Row numbers from `param(1)` to `param(2)`, as a FROM item naming `i`. */
  series: string;
}

const SQLITE: Dialect = {
  pad: (n, width) => `printf('%0${width}d', ${n})`,
  param: (i) => `@p${i}`,
  series: `(WITH RECURSIVE n(i) AS (SELECT CAST(@p1 AS INTEGER) UNION ALL SELECT i + 1 FROM n WHERE i < @p2) SELECT i FROM n) s`,
};

const POSTGRES: Dialect = {
  pad: (n, width) => `lpad((${n})::text, ${width}, '0')`,
  param: (i) => `$${i}`,
  series: `generate_series($1::bigint, $2::bigint) AS s(i)`,
};

/**
 * The statements that write rows from..to (parameters 1 and 2); 3 and 4 are the first row's time
 * and the step (ms); from 5 on, what each copies from the sample (see `sampled`).
 */
function statements(d: Dialect): string[] {
  const id = (tag: string) => `'01900000-0000-7000-${tag}-' || ${d.pad('i', 12)}`;
  const job = `'job-' || ${d.pad('i % 100', 2)}`;
  const at = `(CAST(${d.param(3)} AS BIGINT) + i * CAST(${d.param(4)} AS BIGINT))`;
  const failed = 'i % 13 = 0';
  const error = `CASE WHEN i % 26 = 0 THEN 'timed out after 30s' WHEN ${failed} THEN 'HTTP 500' END`;
  const trigger = `CASE i % 3 WHEN 0 THEN 'schedule' WHEN 1 THEN 'webhook' ELSE 'manual' END`;
  const status = `CASE WHEN ${failed} THEN 'failed' ELSE 'succeeded' END`;
  const p = (n: number) => d.param(n);
  return [
    `INSERT INTO executions (id, job_id, namespace, status, trigger_type, trigger, spec, scheduled_time, attempts, last_error,
       request, response, created_at, started_at, finished_at)
     SELECT ${id('8000')}, ${job}, 'ns-' || (i % 10), ${status}, ${trigger}, ${p(5)}, (SELECT spec FROM jobs WHERE id = ${job}),
       ${at}, 1, ${error}, ${p(6)}, ${p(7)}, ${at}, ${at} + 2, ${at} + 60
     FROM ${d.series}`,
    `INSERT INTO runs (id, execution_id, kind, name, status, attempt, max_attempts, timeout_ms, due_at, message_id, last_error,
       created_at, updated_at, started_at, finished_at)
     SELECT ${id('9000')}, ${id('8000')}, 'task', 'webhook', ${status}, 1, 1, 30000, ${at}, ${id('b000')}, ${error},
       ${at}, ${at} + 60, ${at} + 2, ${at} + 60
     FROM ${d.series}`,
    `INSERT INTO attempts (id, run_id, execution_id, attempt, started_at, duration_ms, status_code, error_code, error, request,
       response_headers, response_body, response_truncated, endpoint)
     SELECT ${id('a000')}, ${id('9000')}, ${id('8000')}, 1, ${at} + 2, (i * 7) % 300,
       CASE WHEN i % 26 = 0 THEN NULL WHEN ${failed} THEN 500 ELSE 200 END,
       CASE WHEN i % 26 = 0 THEN 'TIMEOUT' END, ${error}, ${p(5)}, ${p(6)}, 'ok', 0, 'ep-' || ${d.pad('i % 20', 2)}
     FROM ${d.series}`,
  ];
}

/**
 * The counts Hookline keeps as it writes attempts (attempt-rollup.ts), for the generated ones:
 * written once over all rows, since chunks would split minutes. Parameters as `statements`.
 */
function counts(d: Dialect): string[] {
  const at = `(CAST(${d.param(3)} AS BIGINT) + i * CAST(${d.param(4)} AS BIGINT) + 2)`;
  const minute = `CAST(${at} / 60000 AS BIGINT) * 60000`;
  const duration = '((i * 7) % 300)';
  const outcome = `CASE WHEN i % 26 = 0 THEN 'timeout' WHEN i % 13 = 0 THEN 'http_5xx' ELSE 'success' END`;
  const histogram = DURATION_BOUNDS.map((b, n) => `SUM(CASE WHEN ${duration} <= ${b}${n > 0 ? ` AND ${duration} > ${DURATION_BOUNDS[n - 1]}` : ''} THEN 1 ELSE 0 END)`);
  const endpoint = `'ep-' || ${d.pad('i % 20', 2)}`;
  return [
    `INSERT INTO attempt_minutes (minute, owner, outcome, count, ${HISTOGRAM_COLUMNS.join(', ')})
     SELECT ${minute}, 'bench-load', ${outcome}, COUNT(*), ${histogram.join(', ')}, 0 FROM ${d.series} GROUP BY 1, 3`,
    `INSERT INTO failure_minutes (minute, owner, job_id, endpoint, count)
     SELECT ${minute}, 'bench-load', 'job-' || ${d.pad('i % 100', 2)}, ${endpoint}, COUNT(*) FROM ${d.series} WHERE i % 13 = 0 GROUP BY 1, 3, 4`,
    `INSERT INTO endpoint_minutes (endpoint, minute, owner, count, succeeded, last_at, last_success_at)
     SELECT ${endpoint}, ${minute}, 'bench-load', COUNT(*), SUM(CASE WHEN i % 13 = 0 THEN 0 ELSE 1 END), MAX(${at}),
       MAX(CASE WHEN i % 13 = 0 THEN NULL ELSE ${at} END)
     FROM ${d.series} GROUP BY 1, 2`,
  ];
}

function chunks(shape: Shape): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let from = 0; from < shape.count; from += CHUNK) out.push([from, Math.min(shape.count, from + CHUNK) - 1]);
  return out;
}

const stepOf = (shape: Shape) => Math.floor((shape.days * 86_400_000) / shape.count);
const startOf = (shape: Shape) => shape.end - stepOf(shape) * shape.count;
/** What each statement copies from the sample, in its order. */
const sampled = (s: Sample) => [[s.trigger, s.request, s.response], [], [s.attemptRequest, s.responseHeaders]];

const named = (values: unknown[]) => Object.fromEntries(values.map((v, i) => [`p${i + 1}`, v]));

export function loadSqlite(file: string, shape: Shape, sample: Sample, progress: (done: number) => void): void {
  const db = new Database(file);
  try {
    db.pragma('busy_timeout = 10000');
    const insert = statements(SQLITE).map((sql) => db.prepare(sql));
    const copied = sampled(sample);
    for (const [from, to] of chunks(shape)) {
      db.transaction(() => insert.forEach((statement, n) => statement.run(named([from, to, startOf(shape), stepOf(shape), ...copied[n]]))))();
      progress(to + 1);
    }
    const whole = named([0, shape.count - 1, startOf(shape), stepOf(shape)]);
    db.transaction(() => counts(SQLITE).forEach((sql) => db.prepare(sql).run(whole)))();
  } finally {
    db.close();
  }
}

export async function loadPostgres(url: string, schema: string, shape: Shape, sample: Sample, progress: (done: number) => void): Promise<void> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    await client.query(`SET search_path TO ${schema}`);
    const insert = statements(POSTGRES);
    const copied = sampled(sample);
    for (const [from, to] of chunks(shape)) {
      await client.query('BEGIN');
      for (const [n, sql] of insert.entries()) await client.query(sql, [from, to, startOf(shape), stepOf(shape), ...copied[n]]);
      await client.query('COMMIT');
      progress(to + 1);
    }
    await client.query('BEGIN');
    for (const sql of counts(POSTGRES)) await client.query(sql, [0, shape.count - 1, startOf(shape), stepOf(shape)]);
    await client.query('COMMIT');
    // What autovacuum does to tables that grew this much; the planner's statistics.
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
}
