import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { CallAbort } from '../http/call-abort.js';
import type { Caller } from '../http/caller.js';
import type { ClaimedRun, Ended, RunCompletion, Store } from '../store/store.js';
import { createAttempt, logAttempt, RELEASED } from './attempt.js';
import type { PrepareRun } from './run-calls.js';
import type { createSpecCache } from '../jobs/spec-cache.js';
import { createSleeper } from '../sleeper.js';
import { createOutcomeRecorder } from './outcome-recorder.js';
import type { HandOff } from '../jobs/hand-off.js';
import { attemptOutcome, type Metrics } from '../metrics/metrics.js';

export interface WorkerOptions {
  owner: string;
  concurrency: number;
  batchSize: number;
  pollIntervalMs: number;
  leaseMarginMs: number;
}

/** A floor on idle waits, so runs another node has locked but not yet committed cause no busy loop. */
const MIN_IDLE_MS = 5;

interface InFlight {
  run: ClaimedRun;
  abort: CallAbort;
  done: Promise<void>;
}

/**
 * Claims due runs in batches under a lease, makes their calls, and commits each outcome
 * (in group commits) before acting on it further. Wakes on local triggers, on a clock jump,
 * and every poll interval for work other nodes committed.
 */
export function createWorker(deps: {
  store: Store;
  caller: Caller;
  openSpec: ReturnType<typeof createSpecCache>;
  clock: Clock;
  log: Logger;
  options: WorkerOptions;
  /** Works out what a claimed run calls, and with what. */
  prepare: PrepareRun;
  /** Counts attempts and ended executions. */
  metrics?: Metrics;
  /** Told of each execution this worker ended, once its end is committed. */
  onFinished?: (executionId: string) => void;
}) {
  const { store, clock, log, options } = deps;
  const inFlight = new Map<string, InFlight>();
  /** Claims wait until this many slots are free, so a busy worker claims in batches, not one run at a time. */
  const claimThreshold = Math.max(1, Math.floor(Math.min(options.concurrency, options.batchSize) / 4));
  const outcomes = createOutcomeRecorder({ store, log, onCommitted: committed, onCommit: (ms) => deps.metrics?.commit('outcomes', ms) });
  let running = false;
  let stopping = false;
  /** Slots promised to runs being written leased to this worker (by a trigger, a tick or a hook call). */
  let reserved = 0;
  let loopDone: Promise<void> = Promise.resolve();
  const { wake, sleep } = createSleeper();
  const attempt = createAttempt({ ...deps, leaseMarginMs: options.leaseMarginMs });

  async function loop(): Promise<void> {
    while (running) {
      const free = options.concurrency - inFlight.size - reserved;
      if (free < claimThreshold && inFlight.size > 0) {
        await sleep(options.pollIntervalMs);
        continue;
      }
      const limit = Math.min(options.batchSize, free);
      let claimed: ClaimedRun[];
      try {
        claimed = await store.claimRuns(options.owner, clock.now(), limit, options.leaseMarginMs);
      } catch (err) {
        log.error({ err: (err as Error).message }, 'claiming runs failed; trying again after the poll interval');
        await sleep(options.pollIntervalMs);
        continue;
      }
      for (const run of claimed) start(run, 'claimed');
      if (claimed.length < limit) await sleep(await idleMs());
    }
  }

  /** How long to wait for more work: until the next run falls due, at most the poll interval. */
  async function idleMs(): Promise<number> {
    const at = await store.nextWakeAt().catch(() => undefined);
    if (at === undefined) return options.pollIntervalMs;
    return Math.max(MIN_IDLE_MS, Math.min(options.pollIntervalMs, at - clock.now()));
  }

  function start(run: ClaimedRun, via: 'handed' | 'claimed'): void {
    deps.metrics?.runStarted(via);
    const abort = new CallAbort();
    const entry: InFlight = { run, abort, done: Promise.resolve() };
    inFlight.set(run.id, entry);
    entry.done = attempt(run, abort)
      .then((completion) => completion && record(run, completion))
      .catch((err) => log.error({ run: run.id, err: (err as Error).message }, 'run failed unexpectedly'))
      .finally(() => {
        inFlight.delete(run.id);
        wake();
      });
  }

  /**
   * An attempt's outcome goes to the next group commit. The call's slot is free meanwhile: the run
   * stays leased to this worker until the commit, and stop() waits for every commit.
   */
  const record = outcomes.record;

  function committed(run: ClaimedRun, completion: RunCompletion, ended: Ended | undefined): void {
    logAttempt(log, run, completion);
    deps.metrics?.attempt(attemptOutcome(completion.attempt, completion.outcome === 'succeeded'), completion.attempt.duration_ms);
    if (ended) deps.metrics?.executionEnded(ended);
    if (completion.outcome === 'retry') return;
    deps.onFinished?.(completion.execution_id);
    // Its end may have made runs due: the tasks after it, notifications, its endpoint's next deliveries.
    if (completion.graph || completion.notify.length > 0 || completion.delivery) wake();
  }

  const offJump = clock.onJump(wake);

  const handOff: HandOff = {
    owner: options.owner,
    leaseUntil: (now, timeoutMs) => now + timeoutMs + options.leaseMarginMs,
    reserve(n) {
      const granted = running ? Math.max(0, Math.min(n, options.concurrency - inFlight.size - reserved)) : 0;
      reserved += granted;
      return granted;
    },
    adopt(run) {
      reserved--;
      start(run, 'handed');
    },
    release(n) {
      reserved -= n;
      if (n > 0) wake();
    },
  };

  return {
    wake,
    async start(): Promise<void> {
      if (running) return;
      running = true;
      const recovered = await store.recoverOrphanedRuns();
      if (recovered > 0) log.warn({ runs: recovered }, 'runs left in flight by a stopped process are due again');
      loopDone = loop();
    },
    /** Stops claiming, lets in-flight calls finish within `graceMs`, then releases the rest. */
    async stop(graceMs: number): Promise<void> {
      if (stopping) return;
      stopping = true;
      running = false;
      offJump();
      wake();
      await loopDone;
      const all = () => Promise.all([...inFlight.values()].map((f) => f.done));
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([all(), new Promise((r) => (timer = setTimeout(r, graceMs)))]);
      clearTimeout(timer);
      const left = [...inFlight.values()];
      for (const f of left) f.abort.abort(RELEASED);
      await all();
      await outcomes.settle(graceMs);
      if (left.length > 0) {
        await store.releaseRuns(options.owner, left.map((f) => f.run.id), clock.now());
        log.info({ released: left.length }, 'released unfinished runs');
      }
    },
    inFlightCount: () => inFlight.size,
    handOff,
  };
}

export type Worker = ReturnType<typeof createWorker>;
