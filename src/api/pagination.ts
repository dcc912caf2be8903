import { DEFAULTS } from '../config/defaults.js';
import { badRequest } from '../errors.js';

/** `?limit=&cursor=`: the limit checked, the cursor opaque to clients. */
export function readPage<C>(query: Record<string, string | undefined>): { limit: number; cursor?: C } {
  const { default: fallback, max } = DEFAULTS.page_size;
  let limit: number = fallback;
  if (query.limit !== undefined) {
    limit = Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > max) throw badRequest(`limit must be an integer from 1 to ${max}`, 'limit');
  }
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
