import { DEFAULTS } from '../config/defaults.js';
import { badRequest } from '../errors.js';

/** The page a parsed query asks for (see `pageQuery`): the limit, and the cursor decoded. */
export function readPage<C>(query: { limit?: number; cursor?: string }): { limit: number; cursor?: C } {
  const limit = query.limit ?? DEFAULTS.page_size.default;
  if (query.cursor === undefined) return { limit };
  try {
    return { limit, cursor: JSON.parse(Buffer.from(query.cursor, 'base64url').toString('utf8')) as C };
  } catch {
    throw badRequest('cursor is not one this server gave out', 'cursor');
  }
}

/** A cursor as clients see it: opaque. */
export const cursorOf = (position: unknown) => Buffer.from(JSON.stringify(position)).toString('base64url');

/** A page of items; `next_cursor` is present when more may follow. */
export function page<T, C>(items: T[], limit: number, positionOf: (last: T) => C) {
  return { items, next_cursor: items.length === limit ? cursorOf(positionOf(items[items.length - 1])) : null };
}
