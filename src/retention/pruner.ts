import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { createLoop } from '../loop.js';
import { PRUNED_TABLES, type PruneCounts, type PruneMarks, type Store } from '../store/store.js';

export interface PrunerOptions {
  /** Kept this long; undefined keeps everything. */
  retentionMs: number | undefined;
  intervalMs: number;
  /** Rows deleted per statement. */
  batch: number;
  /** The share of time a pass may prune while there is work left (1: back to back); by default the store's (below). */
  duty?: number;
}

/** Rate counters are kept a day past their window's start, longer than any window lasts. */
const RATE_COUNT_KEEP_MS = 86_400_000;
/**
 * What a prune call should take: each of its statements is a transaction of its own, so none holds
 * its locks (SQLite's one writer, PostgreSQL's rows) longer. A call that takes longer halves the
 * batch; one that takes under half of it doubles the batch, up to the configured size. Under a full
 * load a call may take several times its batch's usual time (bench:retention: 154 ms with a 50 ms
 * target on PostgreSQL), so the target leaves room under 100 ms.
 */
const CALL_TARGET_MS = 30;
const MIN_BATCH = 50;
/** The first call's batch: small, since how long a batch takes on this store is not known yet. */
const FIRST_BATCH = 100;
/**
 * The share of time the pruner may prune while there is work left. Where writes wait for one another
 * (SQLite), every other writer waits while a call runs, so it rests about six times as long as each
 * call took: at 0.2, dispatch kept 78–85% of its rate in bench:retention. Where they do not
 * (PostgreSQL), a prune takes only the machine's time, and it rests as long as each call took
 * (dispatch kept 86–106%).
 */
const DUTY = { oneWriter: 0.15, rowLocks: 0.5 };

/**
 * Retention: finished executions (with their runs and attempts), invocation logs and schedule
 * ticks older than the retention are deleted, in batches, at start and every interval. Any number
 * of nodes may prune side by side; a row deleted twice is deleted once. Where the database does not
 * reuse the space of deleted rows by itself (PostgreSQL with autovacuum off), the pruned tables are
 * vacuumed after a prune that deleted anything, so a store at a steady load stops growing.
 */
export function createPruner(deps: {
  store: Store;
  clock: Clock;
  log: Logger;
  options: PrunerOptions;
  /** Told how long each prune call took, in ms. */
  onCall?: (ms: number) => void;
}) {
  const { store, clock, log, options } = deps;
  const duty = options.duty ?? (store.dialect.oneWriter ? DUTY.oneWriter : DUTY.rowLocks);
  /** Set while the pruner stops: a long backlog is left for the next start, not pruned to its end first. */
  let stopping = false;
  /** The batch of the next call: learned from the calls before, in this pass and the ones before it. */
  let batch = Math.min(options.batch, FIRST_BATCH);
  /** Passes running, whether the loop's or called directly: stopping waits for them, and they for the call in hand. */
  const passes = new Set<Promise<PruneCounts>>();

  /** Prunes until nothing old is left, in calls paced to leave the store to the work; returns how much went. */
  async function pruneNow(): Promise<PruneCounts> {
    const pass = prunePass();
    passes.add(pass);
    try {
      return await pass;
    } finally {
      passes.delete(pass);
    }
  }

  async function prunePass(): Promise<PruneCounts> {
    const total: PruneCounts = { executions: 0, invocations: 0, ticks: 0, rate_counts: 0, rollups: 0 };
    const now = clock.now();
    const before = options.retentionMs === undefined ? 0 : now - options.retentionMs;
    const cutoff = { finished_before: before, received_before: before, ticks_before: before, windows_before: now - RATE_COUNT_KEEP_MS };
    // Each call's scans start where the pass's calls before reached; the next pass starts afresh.
    const from: PruneMarks = {};
    for (;;) {
      const started = performance.now();
      const { counts, reached } = await store.prune(cutoff, batch, from);
      const took = performance.now() - started;
      deps.onCall?.(took);
      for (const kind of Object.keys(total) as Array<keyof PruneCounts>) total[kind] += counts[kind];
      Object.assign(from, reached);
      if (stopping || Object.values(counts).every((n) => n < batch)) break;
      if (took > CALL_TARGET_MS) batch = Math.max(MIN_BATCH, Math.floor(batch / 2));
      else if (took < CALL_TARGET_MS / 2) batch = Math.min(options.batch, batch * 2);
      if (duty < 1) await new Promise((r) => setTimeout(r, took * (1 / duty - 1)));
    }
    if (Object.values(total).some((n) => n > 0)) await reclaimSpace();
    return total;
  }

  /** Where the database needs telling (PostgreSQL without autovacuum), the pruned tables' space is made reusable. */
  async function reclaimSpace(): Promise<void> {
    const vacuumed: string[] = [];
    for (const table of PRUNED_TABLES) {
      if (stopping) break;
      if (!(await store.reclaim(table))) break;
      vacuumed.push(table);
    }
    if (vacuumed.length > 0) log.info({ vacuumed }, 'retention: pruned tables vacuumed, since autovacuum is off');
  }

  const loop = createLoop(clock, async (sleep) => {
    try {
      const pruned = await pruneNow();
      if (Object.values(pruned).some((n) => n > 0)) log.info({ pruned }, 'retention: old records deleted');
    } catch (err) {
      log.error({ err: (err as Error).message }, 'retention pruning failed; trying again at the next interval');
    }
    await sleep(options.intervalMs);
  });

  return {
    pruneNow,
    start: loop.start,
    async stop(): Promise<void> {
      stopping = true;
      try {
        await loop.stop();
        await Promise.allSettled([...passes]);
      } finally {
        stopping = false;
      }
    },
  };
}

export type Pruner = ReturnType<typeof createPruner>;
