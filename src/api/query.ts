import { z } from 'zod';
import { DEFAULTS } from '../config/defaults.js';
import { badRequest } from '../errors.js';

/**
 * Query strings are read with zod schemas, the same ones the API document shows: each parameter is
 * a string, given at most once, and one the route does not take is a 400 naming it — never ignored.
 */
export function parseQuery<S extends z.ZodObject>(schema: S, query: unknown): z.output<S> {
  const given = (query ?? {}) as Record<string, unknown>;
  const known = Object.keys(schema.shape);
  for (const [name, value] of Object.entries(given)) {
    if (!known.includes(name)) throw badRequest(`${name} is not a parameter here; this route takes ${known.join(', ')}`, name);
    if (typeof value !== 'string') throw badRequest(`${name} may be given once`, name);
  }
  const parsed = schema.safeParse(given);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const name = String(issue.path[0]);
  throw badRequest(`${name} ${issue.message}`, name);
}

const MAX_TEXT = 256;
/** A filter's text: at most 256 characters. */
export const queryText = z.string().max(MAX_TEXT, `is longer than ${MAX_TEXT} characters`);

/** `true` or `false`. */
export const queryBoolean = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true');

/** A choice among `values`, named in the message when another is given. */
export const queryChoice = <T extends string>(values: readonly [T, ...T[]]) => z.enum(values, { error: `must be one of ${values.join(', ')}` });

const { default: PAGE_DEFAULT, max: PAGE_MAX } = DEFAULTS.page_size;

/** `?limit=&cursor=`: how many items a page holds, and where the page before ended (opaque to clients). */
export const pageQuery = {
  limit: z
    .string()
    .regex(/^\d{1,4}$/, `must be an integer from 1 to ${PAGE_MAX}`)
    .transform(Number)
    .refine((n) => n >= 1 && n <= PAGE_MAX, `must be an integer from 1 to ${PAGE_MAX}`)
    .optional()
    .meta({ description: `Items per page, from 1 to ${PAGE_MAX}; ${PAGE_DEFAULT} when left out.` }),
  cursor: z.string().max(1024, 'is not one this server gave out').optional().meta({ description: 'The `next_cursor` of the page before.' }),
};

/** A list route that takes only `limit` and `cursor`. */
export const pageOnlyQuery = z.object(pageQuery);
