import { DEFAULTS } from '../config/defaults.js';
import { badRequest } from '../errors.js';

/** The shapes of the positions cursors hold: a name or id, a time, or a time and an id. */
export const POSITIONS = {
  text: (c: unknown): c is string => typeof c === 'string',
  time: (c: unknown): c is number => Number.isSafeInteger(c),
  timeAndId: (c: unknown): c is [number, string] => Array.isArray(c) && c.length === 2 && Number.isSafeInteger(c[0]) && typeof c[1] === 'string',
};

/**
 * The page a parsed query asks for (see `pageQuery`): the limit, and the cursor decoded. A cursor
 * that is not one this route gives out (of another shape, forged) is a 400, never a query.
 */
export function readPage<C>(query: { limit?: number; cursor?: string }, isPosition: (c: unknown) => c is C): { limit: number; cursor?: C } {
  const limit = query.limit ?? DEFAULTS.page_size.default;
  if (query.cursor === undefined) return { limit };
  let cursor: unknown;
  try {
    cursor = JSON.parse(Buffer.from(query.cursor, 'base64url').toString('utf8'));
  } catch {
    cursor = undefined;
  }
  if (!isPosition(cursor)) throw badRequest('cursor is not one this server gave out', 'cursor');
  return { limit, cursor };
}

/** A cursor as clients see it: opaque. */
export const cursorOf = (position: unknown) => Buffer.from(JSON.stringify(position)).toString('base64url');

/** A page of items; `next_cursor` is present when more may follow. */
export function page<T, C>(items: T[], limit: number, positionOf: (last: T) => C) {
  return { items, next_cursor: items.length === limit ? cursorOf(positionOf(items[items.length - 1])) : null };
}
