import type { Schedule } from './schedule.js';

/** What happens to ticks that came due while no node could fire them. */
export type MisfirePolicy = 'skip' | 'run_once' | 'catch_up';

export interface TickPlan {
  /** Ticks to fire now, oldest first. */
  fire: number[];
  /** Ticks that will never fire, as one record: the first, the last and how many. */
  missed?: { first: number; last: number; count: number };
  /** The first tick after now, or null when the schedule has no more. */
  nextRunAt: number | null;
}

/** Most ticks counted in one pass; a longer backlog is reported as this many. */
export const MAX_TICKS_SCANNED = 10_000;

/**
 * Decides which of a job's due ticks fire. A tick no older than `thresholdMs` is on time and
 * always fires, however late; an older one was missed, and the misfire policy says what becomes
 * of it: `skip` fires none, `run_once` the latest, `catch_up` the latest `catchUpLimit`.
 * `due` is the job's stored next tick, itself a tick of `schedule`.
 */
export function planTicks(
  schedule: Schedule,
  due: number,
  now: number,
  policy: { misfire: MisfirePolicy; catchUpLimit: number; thresholdMs: number },
): TickPlan {
  const missedUpTo = now - policy.thresholdMs - 1;
  const missedAll = due <= missedUpTo ? schedule.between(due, missedUpTo, MAX_TICKS_SCANNED) : [];
  const keep = policy.misfire === 'skip' ? 0 : policy.misfire === 'run_once' ? 1 : policy.catchUpLimit;
  const caughtUp = missedAll.length > 0 ? schedule.latest(due, missedUpTo, keep) : [];
  const onTimeFrom = due > missedUpTo ? due : schedule.next(missedUpTo);
  const onTime = onTimeFrom === undefined ? [] : schedule.between(onTimeFrom, now, MAX_TICKS_SCANNED);
  const last = onTime.at(-1) ?? schedule.latest(due, missedUpTo, 1)[0];
  const nextRunAt = last === undefined ? due : schedule.next(last);
  return {
    fire: [...caughtUp, ...onTime],
    missed: missedRecord(missedAll, caughtUp),
    nextRunAt: nextRunAt ?? null,
  };
}

function missedRecord(all: number[], fired: number[]): TickPlan['missed'] {
  const firedSet = new Set(fired);
  const left = all.filter((t) => !firedSet.has(t));
  if (left.length === 0) return undefined;
  return { first: left[0], last: left.at(-1)!, count: left.length };
}
