import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { createLoop } from '../loop.js';
import type { PruneCounts, Store } from '../store/store.js';

export interface PrunerOptions {
  /** Kept this long; undefined keeps everything. */
  retentionMs: number | undefined;
  intervalMs: number;
  /** Rows deleted per statement. */
  batch: number;
}

/** Rate counters are kept a day past their window's start, longer than any window lasts. */
const RATE_COUNT_KEEP_MS = 86_400_000;

/**
 * Retention: finished executions (with their runs and attempts), invocation logs and schedule
 * ticks older than the retention are deleted, in batches, at start and every interval. Any number
 * of nodes may prune side by side; a row deleted twice is deleted once.
 */
export function createPruner(deps: { store: Store; clock: Clock; log: Logger; options: PrunerOptions }) {
  const { store, clock, log, options } = deps;
  /** Prunes until nothing old is left; returns how much went. */
  async function pruneNow(): Promise<PruneCounts> {
    const total: PruneCounts = { executions: 0, invocations: 0, ticks: 0, rate_counts: 0, rollups: 0 };
    const now = clock.now();
    const before = options.retentionMs === undefined ? 0 : now - options.retentionMs;
    const cutoff = { finished_before: before, received_before: before, ticks_before: before, windows_before: now - RATE_COUNT_KEEP_MS };
    for (;;) {
      const counts = await store.prune(cutoff, options.batch);
      for (const kind of Object.keys(total) as Array<keyof PruneCounts>) total[kind] += counts[kind];
      if (Object.values(counts).every((n) => n < options.batch)) return total;
    }
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

  return { pruneNow, start: loop.start, stop: loop.stop };
}

export type Pruner = ReturnType<typeof createPruner>;
