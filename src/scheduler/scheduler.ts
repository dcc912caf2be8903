import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { DEFAULTS } from '../config/defaults.js';
import { parseSpec } from '../jobs/job-codec.js';
import { newExecution } from '../jobs/new-execution.js';
import type { DueJob, FireResult, PlannedTick, Store, TickFiring } from '../store/store.js';
import { handOver, leaseFirstTasks, type HandOff, type Leased } from '../jobs/hand-off.js';
import { planTicks } from './plan-ticks.js';
import { scheduleFor } from './schedule.js';
import { createLoop } from '../loop.js';

export interface SchedulerOptions {
  pollIntervalMs: number;
  batchSize: number;
  misfireThresholdMs: number;
}

/** A floor on idle waits, so a tick that could not be fired this pass causes no busy loop. */
const MIN_IDLE_MS = 5;
/** Due jobs fired per transaction within a pass. */
const FIRE_CHUNK = 32;

/**
 * Turns due ticks into executions. It keeps no timer per job: each pass asks the store for the
 * jobs whose next tick has come, fires them in one transaction, and sleeps until the soonest
 * next tick (at most the poll interval, for edits made on other nodes). Firing only enqueues:
 * the worker makes the calls.
 */
export function createScheduler(deps: {
  store: Store;
  clock: Clock;
  log: Logger;
  options: SchedulerOptions;
  handOff: HandOff;
  onFired: () => void;
  /** Told how late each tick that fired was, in ms, once it is committed. */
  onTickFired?: (latenessMs: number) => void;
}) {
  const { store, clock, log, options } = deps;
  const loop = createLoop(clock, async (sleep) => {
    let due: DueJob[];
    try {
      due = await firePass();
    } catch (err) {
      log.error({ err: (err as Error).message }, 'firing due ticks failed; trying again after the poll interval');
      await sleep(options.pollIntervalMs);
      return;
    }
    if (due.length < options.batchSize) await sleep(await idleMs());
  });

  /**
   * Fires the due jobs in chunks: each chunk is committed while the next one is planned. Ticks the
   * local worker has room for are written already leased to it and start the moment they commit;
   * the rest wait to be claimed by any node.
   */
  async function firePass(): Promise<DueJob[]> {
    const now = clock.now();
    const due = await store.dueJobs(now, options.batchSize);
    let committing: Promise<void> = Promise.resolve();
    for (let i = 0; i < due.length; i += FIRE_CHUNK) {
      const items = due.slice(i, i + FIRE_CHUNK).map((job) => firingFor(job, now));
      const leased = leaseToLocalWorker(items, now);
      await committing;
      committing = store.fireTicks(items).then(
        (result) => reportFired(result, leased, items),
        (err: unknown) => {
          deps.handOff.release(leased.count);
          throw err;
        },
      );
    }
    await committing;
    return due;
  }

  /** Leases as many of the chunk's firing runs (each execution's first tasks) as the local worker has free slots for. */
  function leaseToLocalWorker(items: TickFiring[], now: number): Leased {
    const firing = items.flatMap((item) => item.ticks.flatMap((t) => ('execution' in t ? [t.execution] : [])));
    return leaseFirstTasks(deps.handOff, firing, now);
  }

  function reportFired(result: FireResult, leased: Leased, items: TickFiring[]): void {
    if (deps.onTickFired && result.started.length > 0) {
      const started = new Set(result.started);
      const now = clock.now();
      for (const item of items) for (const t of item.ticks) if ('execution' in t && started.has(t.execution.id)) deps.onTickFired(now - t.scheduled_for);
    }
    handOver(deps.handOff, leased, result.started);
    for (const s of result.skipped) {
      log.warn({ job: s.job_id, scheduled_for: new Date(s.scheduled_for).toISOString() }, 'tick skipped: the previous execution is still running (overlap: skip)');
    }
    if (!leased.all && result.started.length > 0) deps.onFired();
  }

  /** What firing a due job writes. A job whose schedule cannot be worked out stops, with an error logged. */
  function firingFor(job: DueJob, now: number): TickFiring {
    try {
      return plannedFiring(job, now);
    } catch (err) {
      log.error({ job: job.id, err: (err as Error).message }, 'the schedule of this job cannot be worked out; it will not fire until it is replaced');
      return { job_id: job.id, due: job.next_run_at, next_run_at: null, skip_if_running: false, ticks: [], now };
    }
  }

  function plannedFiring(job: DueJob, now: number): TickFiring {
    const spec = parseSpec(job.spec);
    const firing: TickFiring = { job_id: job.id, due: job.next_run_at, next_run_at: null, skip_if_running: spec.overlap === 'skip', ticks: [], now };
    if (!spec.schedule) return firing;
    const plan = planTicks(scheduleFor(spec.schedule), job.next_run_at, now, {
      misfire: spec.misfire ?? DEFAULTS.job.misfire,
      catchUpLimit: spec.catch_up_limit ?? DEFAULTS.job.catch_up_limit,
      thresholdMs: options.misfireThresholdMs,
    });
    const ticks: PlannedTick[] = plan.fire.map((t) => ({
      scheduled_for: t,
      execution: newExecution(job, spec, { type: 'schedule', body: null }, t, now),
    }));
    if (plan.missed) {
      const { first, last, count } = plan.missed;
      ticks.unshift({ scheduled_for: first, missed: { until: last, count } });
      log.warn(
        { job: job.id, missed: count, from: new Date(first).toISOString(), until: new Date(last).toISOString(), misfire: spec.misfire ?? DEFAULTS.job.misfire },
        'ticks missed while no node could fire them',
      );
    }
    return { ...firing, next_run_at: plan.nextRunAt, ticks };
  }

  /** Until the soonest next tick, at most the poll interval. */
  async function idleMs(): Promise<number> {
    const at = await store.nextTickAt().catch(() => undefined);
    if (at === undefined) return options.pollIntervalMs;
    return Math.max(MIN_IDLE_MS, Math.min(options.pollIntervalMs, at - clock.now()));
  }

  return {
    /** Looks for due ticks now: a job was created, changed or resumed on this node. */
    wake: loop.wake,
    start: loop.start,
    stop: loop.stop,
  };
}

export type Scheduler = ReturnType<typeof createScheduler>;
