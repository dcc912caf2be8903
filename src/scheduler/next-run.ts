import { isDeepStrictEqual } from 'node:util';
import type { JobSpec } from '../jobs/job-schema.js';
import { firstTick } from './schedule.js';

/** The schedule state a created or replaced job is stored with. */
export interface ScheduleState {
  enabled: number;
  next_run_at: number | null;
}

/**
 * A job without a schedule, or paused, has no next tick. A replaced job whose schedule did not
 * change keeps its next tick (so a due tick is not lost to an edit); any other starts from now.
 */
export function scheduleState(
  spec: JobSpec,
  previous: { spec: JobSpec; enabled: number; next_run_at: number | null } | undefined,
  now: number,
): ScheduleState {
  const enabled = spec.enabled === false ? 0 : 1;
  if (!spec.schedule || !enabled) return { enabled, next_run_at: null };
  const unchanged = previous?.enabled === 1 && previous.next_run_at !== null && isDeepStrictEqual(previous.spec.schedule, spec.schedule);
  return { enabled, next_run_at: unchanged ? previous.next_run_at : (firstTick(spec.schedule, now) ?? null) };
}
