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

/** A page of items; `next_cursor` is present when more may follow. */
export function page<T, C>(items: T[], limit: number, cursorOf: (last: T) => C) {
  const next = items.length === limit ? Buffer.from(JSON.stringify(cursorOf(items[items.length - 1]))).toString('base64url') : undefined;
  return { items, next_cursor: next ?? null };
}
