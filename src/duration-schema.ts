import { z } from 'zod';
import { formatDuration, parseDuration } from './duration.js';
import { kindOf } from './value-kind.js';

const DAY = 86_400_000;
const shown = (ms: number) => (ms === 0 ? '0s' : ms % DAY === 0 ? `${ms / DAY}d` : formatDuration(ms));

/** Longest duration text taken: no real duration is longer, and nothing longer reaches the parser. */
const MAX_TEXT = 32;

/** A duration string within `range` (milliseconds); the message says which range when it is not. */
export function durationIn(range: { min: number; max: number }) {
  const span = `from ${shown(range.min)} to ${shown(range.max)}`;
  return z.string({ error: (issue) => (issue.input === undefined ? undefined : `expected a duration like "30s", got ${kindOf(issue.input)}`) }).superRefine((value, ctx) => {
    const ms = value.length > MAX_TEXT ? undefined : parseDuration(value);
    if (ms === undefined) ctx.addIssue({ code: 'custom', message: `must be a duration such as 500ms, 30s, 5m or 1h30m, ${span}` });
    else if (ms < range.min || ms > range.max) ctx.addIssue({ code: 'custom', message: `must be ${span}` });
  }).meta({ description: `A duration such as 500ms, 30s, 5m or 1h30m, ${span}.`, examples: [exampleIn(range)] });
}

/** 30s when the range holds it, else its least. */
function exampleIn(range: { min: number; max: number }): string {
  return range.min <= 30_000 && 30_000 <= range.max ? '30s' : shown(range.min);
}
