import { Cron } from 'croner';
import { parseDuration } from '../duration.js';

/** A schedule as the job stores it: `schedule` in any of the shapes users may write. */
export type ScheduleSpec = string | { cron: string; timezone?: string } | { every: string } | { at: string };

/**
 * The ticks of a schedule. Every method works on epoch milliseconds; `from` is always a tick
 * itself (the job's stored next_run_at), so an interval needs no other anchor.
 */
export interface Schedule {
  /** The first tick strictly after `after`, or undefined when there is none (a one-shot that is done). */
  next(after: number): number | undefined;
  /** Ticks from `from` (included) up to `to` (included), oldest first, at most `max` of them. */
  between(from: number, to: number, max: number): number[];
  /** The latest `n` ticks from `from` (included) up to `to` (included), oldest first. */
  latest(from: number, to: number, n: number): number[];
}

const SECOND = 1000;
/** Distinct cron schedules kept parsed; a busy scheduler sees the same few patterns again and again. */
const CRON_CACHE_SIZE = 4096;
const crons = new Map<string, Cron>();

/** Why a cron expression or time zone is unusable, or undefined when it is fine. */
export function cronProblem(expression: string, timezone?: string): string | undefined {
  const fields = expression.trim().split(/\s+/).length;
  if (fields !== 5 && fields !== 6) return `must have 5 fields, or 6 with seconds first; it has ${fields}`;
  try {
    new Cron(expression, { paused: true, mode: '5-or-6-parts', timezone: timezone ?? 'UTC' }).nextRun();
    return undefined;
  } catch (err) {
    return (err as Error).message.replace(/^CronPattern: /, '');
  }
}

export function timezoneProblem(timezone: string): string | undefined {
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
    return undefined;
  } catch {
    return `unknown time zone "${timezone}"; use an IANA name such as Europe/Berlin`;
  }
}

export function scheduleFor(spec: ScheduleSpec): Schedule {
  if (typeof spec === 'string') return cronSchedule(spec, 'UTC');
  if ('cron' in spec) return cronSchedule(spec.cron, spec.timezone ?? 'UTC');
  if ('every' in spec) return everySchedule(parseDuration(spec.every)!);
  return atSchedule(Date.parse(spec.at));
}

/** The first tick of a schedule that starts now: an interval's first tick is one interval away. */
export function firstTick(spec: ScheduleSpec, now: number): number | undefined {
  if (typeof spec === 'object' && 'every' in spec) return now + parseDuration(spec.every)!;
  if (typeof spec === 'object' && 'at' in spec) return Date.parse(spec.at);
  return scheduleFor(spec).next(now);
}

function cronSchedule(expression: string, timezone: string): Schedule {
  const key = `${timezone} ${expression}`;
  let cron = crons.get(key);
  if (!cron) {
    if (crons.size >= CRON_CACHE_SIZE) crons.clear();
    // UTC as a fixed offset: the same ticks, several times faster to work out than through a zone.
    const zone = timezone === 'UTC' ? { utcOffset: 0 } : { timezone };
    cron = new Cron(expression, { paused: true, mode: '5-or-6-parts', ...zone });
    crons.set(key, cron);
  }
  let lastAfter: number | undefined;
  let lastNext: number | undefined;
  /** Remembers its last answer: planning asks for the tick after the last due one twice. */
  const next = (after: number) => {
    if (after !== lastAfter) {
      lastAfter = after;
      lastNext = cron.nextRun(new Date(after))?.getTime();
    }
    return lastNext;
  };
  return {
    next,
    between(from, to, max) {
      const out: number[] = [];
      for (let t: number | undefined = from; t !== undefined && t <= to && out.length < max; t = next(t)) out.push(t);
      return out;
    },
    latest(from, to, n) {
      if (n <= 0 || from > to) return [];
      const before = cron.previousRuns(n, new Date(to + 1)).map((d) => d.getTime());
      return before.filter((t) => t >= from).reverse();
    },
  };
}

function everySchedule(periodMs: number): Schedule {
  const period = Math.max(periodMs, SECOND);
  return {
    next: (after) => after + period,
    between(from, to, max) {
      const out: number[] = [];
      for (let t = from; t <= to && out.length < max; t += period) out.push(t);
      return out;
    },
    latest(from, to, n) {
      if (n <= 0 || from > to) return [];
      const last = from + Math.floor((to - from) / period) * period;
      const out: number[] = [];
      for (let t = last; t >= from && out.length < n; t -= period) out.unshift(t);
      return out;
    },
  };
}

function atSchedule(at: number): Schedule {
  const within = (from: number, to: number) => (at >= from && at <= to ? [at] : []);
  return {
    next: (after) => (at > after ? at : undefined),
    between: (from, to, max) => (max > 0 ? within(from, to) : []),
    latest: (from, to, n) => (n > 0 ? within(from, to) : []),
  };
}
