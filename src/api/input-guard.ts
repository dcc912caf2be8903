import type { FastifyInstance } from 'fastify';
import { badRequest } from '../errors.js';

/** A NUL (which PostgreSQL's text cannot hold) or a lone surrogate (UTF-16 that is no Unicode text). */
const NOT_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** Bodies are walked this deep at most; the body parser refuses deeper JSON already. */
const MAX_DEPTH = 128;

/** Where in `value` a string (or a key) is not text, as a dotted path under `at`, or undefined. */
function notTextAt(value: unknown, at: string, depth = 0): string | undefined {
  if (typeof value === 'string') return NOT_TEXT.test(value) ? at : undefined;
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH || Buffer.isBuffer(value)) return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const path = at ? `${at}.${key}` : key;
    if (NOT_TEXT.test(key)) return path;
    const found = notTextAt(inner, path, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * Route options of a route whose body holds data rather than text fields: `'*'` for a body that is
 * the data itself (a trigger's input), or the fields that are (an event's `payload`). Data is kept
 * as JSON text, which holds any string, so it is not checked.
 */
export const dataFields = (...fields: string[]) => ({ config: { dataFields: fields } });

function withoutData(body: unknown, data: readonly string[] | undefined): unknown {
  if (!data) return body;
  if (data.includes('*')) return undefined;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  return Object.fromEntries(Object.entries(body).filter(([key]) => !data.includes(key)));
}

/**
 * Every request's path parameters, query and JSON body are refused with a 400 naming where when a
 * string in them holds a NUL or a lone surrogate: the same answer on both stores, before any handler
 * runs, rather than a 5xx from a store that cannot keep it. One check for every route, including
 * routes added later. (A hook's raw body is kept as bytes and is not checked here, nor are the data
 * fields a route declares.)
 */
export function installInputGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const data = (request.routeOptions.config as { dataFields?: readonly string[] } | undefined)?.dataFields;
    const where = notTextAt(request.params, '') ?? notTextAt(request.query, '') ?? notTextAt(withoutData(request.body, data), '');
    if (where !== undefined) throw badRequest(`${where || 'body'} holds a NUL character or a lone surrogate, which no text field takes`, where || 'body');
  });
}
