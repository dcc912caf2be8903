import { z } from 'zod';
import { DURATION_RANGES } from '../config/defaults.js';
import { durationIn } from '../duration-schema.js';
import { documentedAs } from '../schema-docs.js';
import { cronProblem, timezoneProblem, type ScheduleSpec } from './schedule.js';

/** An RFC 3339 time with its offset, as schedules and listings take them. */
export const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

const cronString = z.string().max(256).superRefine((value, ctx) => {
  const problem = cronProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: `invalid cron expression: ${problem}` });
});

const cronObject = z
  .object({ cron: z.string().max(256), timezone: z.string().max(64).optional() })
  .strict()
  .superRefine((value, ctx) => {
    const zoneProblem = value.timezone === undefined ? undefined : timezoneProblem(value.timezone);
    if (zoneProblem) return ctx.addIssue({ code: 'custom', path: ['timezone'], message: zoneProblem });
    const problem = cronProblem(value.cron, value.timezone);
    if (problem) ctx.addIssue({ code: 'custom', path: ['cron'], message: `invalid cron expression: ${problem}` });
  });

const everyObject = z
  .object({
    every: durationIn(DURATION_RANGES.schedule_every),
  })
  .strict();

const atObject = z
  .object({
    at: z.string().refine((v) => RFC3339.test(v) && !Number.isNaN(Date.parse(v)), 'must be an RFC 3339 time such as 2026-12-01T09:00:00Z'),
  })
  .strict();

const SHAPES = 'a cron string, or an object with "cron" (and "timezone"), "every" or "at"';

/** `schedule`: a cron string, `{cron, timezone}`, `{every}` or `{at}`; each shape checked on its own. */
export const scheduleSchema = z.unknown().transform((value, ctx): ScheduleSpec => {
  const shape = shapeOf(value);
  if (!shape) {
    ctx.addIssue({ code: 'custom', message: `must be ${SHAPES}` });
    return z.NEVER;
  }
  const parsed = shape.safeParse(value, { reportInput: true });
  if (parsed.success) return parsed.data as ScheduleSpec;
  for (const issue of parsed.error.issues) {
    const unknown = issue.code === 'unrecognized_keys';
    ctx.addIssue({
      code: 'custom',
      path: unknown ? [...issue.path, issue.keys[0]] : issue.path,
      message: unknown ? 'is not a field of this schedule shape' : issue.message,
    });
  }
  return z.NEVER;
});
documentedAs(
  scheduleSchema,
  z.union([cronString, cronObject, everyObject, atObject]).meta({ description: `When the job runs: ${SHAPES}.`, examples: ['*/5 * * * *', { cron: '0 9 * * 1-5', timezone: 'Europe/Paris' }, { every: '10m' }] }),
);

function shapeOf(value: unknown): z.ZodType | undefined {
  if (typeof value === 'string') return cronString;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  if ('cron' in value) return cronObject;
  if ('every' in value) return everyObject;
  if ('at' in value) return atObject;
  return undefined;
}
