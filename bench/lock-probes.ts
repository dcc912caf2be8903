/**
 * How long the store's locks are held, seen from outside Hookline, phase by phase of a benchmark.
 *
 * - SQLite has one writer at a time. A thread with its own connection takes the write lock
 *   (BEGIN IMMEDIATE, then COMMIT, writing nothing) every PROBE_EVERY_MS, retrying every 0.5 ms
 *   instead of sleeping in SQLite's busy handler, and notes how long each take waited: the longest
 *   wait is at least as long as the longest hold by anyone else, to within the retry step.
 * - PostgreSQL locks rows, so a prune holds only the old rows it deletes, for its transaction.
 *   pg_stat_activity is sampled every SAMPLE_EVERY_MS (server clock) for the age of the oldest
 *   running DELETE transaction and the longest wait of any backend for a lock.
 */
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { percentile } from './bench-support.js';

const PROBE_EVERY_MS = 5;
const SAMPLE_EVERY_MS = 10;

export interface PhaseLocks {
  samples: number;
  /** SQLite: waits for the write lock; PostgreSQL: the oldest DELETE transaction seen (ms). */
  p99: number;
  longest: number;
  /** PostgreSQL: the longest wait for a lock seen (ms). */
  longestWait?: number;
}

export interface LockProbe {
  /** From now on, samples count toward `name`. */
  phase(name: string): void;
  stop(): Promise<Map<string, PhaseLocks>>;
}

const SQLITE_PROBE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require('better-sqlite3');
const { file, control, every } = workerData;
const ctl = new Int32Array(control);
const db = new Database(file);
db.pragma('busy_timeout = 0');
const waits = [];
while (Atomics.load(ctl, 0) === 0) {
  const phase = Atomics.load(ctl, 1);
  const started = performance.now();
  for (;;) {
    try { db.exec('BEGIN IMMEDIATE'); break; } catch (err) { if (err.code !== 'SQLITE_BUSY') throw err; }
    Atomics.wait(ctl, 2, 0, 0.5);
  }
  db.exec('COMMIT');
  waits.push([phase, performance.now() - started]);
  Atomics.wait(ctl, 2, 0, every);
}
db.close();
parentPort.postMessage(waits);
`;

/** Probes the write lock of the SQLite database at `file`. */
export function probeSqlite(file: string): LockProbe {
  const control = new SharedArrayBuffer(12);
  const ctl = new Int32Array(control);
  const phases: string[] = [];
  const worker = new Worker(SQLITE_PROBE, { eval: true, workerData: { file, control, every: PROBE_EVERY_MS } });
  const waits = new Promise<Array<[number, number]>>((resolve, reject) => worker.once('message', resolve).once('error', reject));
  return {
    phase(name) {
      phases.push(name);
      Atomics.store(ctl, 1, phases.length - 1);
    },
    async stop() {
      Atomics.store(ctl, 0, 1);
      const by = new Map<string, number[]>();
      for (const [phase, ms] of await waits) {
        const name = phases[phase];
        if (!by.has(name)) by.set(name, []);
        by.get(name)!.push(ms);
      }
      await worker.terminate();
      return new Map([...by].map(([name, ms]) => [name, summary(ms)]));
    },
  };
}

const ACTIVITY = `
SELECT COALESCE(MAX(EXTRACT(EPOCH FROM clock_timestamp() - xact_start) * 1000) FILTER (WHERE query ~ 'DELETE FROM'), 0) AS deleting,
       COALESCE(MAX(EXTRACT(EPOCH FROM clock_timestamp() - query_start) * 1000) FILTER (WHERE wait_event_type = 'Lock'), 0) AS waiting
FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()`;

/** Samples the PostgreSQL database at `url` (its own connection). */
export async function probePostgres(url: string): Promise<LockProbe> {
  const client = new pg.Client(url);
  await client.connect();
  let current = '';
  const deleting = new Map<string, number[]>();
  const waiting = new Map<string, number>();
  let stopped = false;
  const sampling = (async () => {
    while (!stopped) {
      const phase = current;
      const { rows } = await client.query<{ deleting: number; waiting: number }>(ACTIVITY);
      if (!deleting.has(phase)) deleting.set(phase, []);
      deleting.get(phase)!.push(Number(rows[0].deleting));
      waiting.set(phase, Math.max(waiting.get(phase) ?? 0, Number(rows[0].waiting)));
      await new Promise((r) => setTimeout(r, SAMPLE_EVERY_MS));
    }
  })();
  return {
    phase(name) {
      current = name;
    },
    async stop() {
      stopped = true;
      await sampling;
      await client.end();
      return new Map([...deleting].map(([name, ms]) => [name, { ...summary(ms), longestWait: waiting.get(name) ?? 0 }]));
    },
  };
}

function summary(ms: number[]): PhaseLocks {
  const sorted = [...ms].sort((a, b) => a - b);
  return { samples: sorted.length, p99: percentile(sorted, 99), longest: sorted.at(-1) ?? 0 };
}

export const showLocks = (l: PhaseLocks | undefined): string =>
  !l
    ? 'no samples'
    : `${l.samples} samples, p99 ${l.p99.toFixed(1)} ms, longest ${l.longest.toFixed(1)} ms` +
      (l.longestWait === undefined ? '' : `, longest lock wait ${l.longestWait.toFixed(1)} ms`);
