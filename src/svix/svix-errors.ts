import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { HttpError } from '../errors.js';

/**
 * Errors as Svix's API gives them, so its clients read them: `{code, detail}`, and for bad input
 * 422 with `{detail: [{loc, msg, type}]}`. Hookline's own errors raised inside are turned into these.
 */
export class SvixError extends Error {
  constructor(readonly status: number, readonly body: unknown) {
    super(typeof body === 'object' && body && 'detail' in body ? String((body as { detail: unknown }).detail) : 'error');
  }
}

export const svixNotFound = (what: string) => new SvixError(404, { code: 'not_found', detail: `${what} not found` });
export const svixConflict = (detail: string) => new SvixError(409, { code: 'conflict', detail });
export const svixInvalid = (field: string, msg: string) => new SvixError(422, { detail: [{ loc: ['body', ...field.split('.')], msg, type: 'value_error' }] });

/** A Svix request body read with `schema`; what it refuses is a 422 naming the field. */
export function svixParse<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) throw svixInvalid(parsed.error.issues[0].path.join('.') || 'body', parsed.error.issues[0].message);
  return parsed.data;
}

/** Installs the Svix error shape on the (encapsulated) Svix routes. */
export function installSvixErrors(app: FastifyInstance): void {
  app.setErrorHandler((err: Error, request, reply) => {
    if (err instanceof SvixError) return reply.code(err.status).send(err.body);
    if (err instanceof HttpError) {
      if (err.status === 400) return reply.code(422).send(svixInvalid(err.field ?? 'body', err.message).body);
      return reply.code(err.status).headers(err.headers).send({ code: err.code.toLowerCase(), detail: err.message });
    }
    const status = (err as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) return reply.code(status).send({ code: 'bad_request', detail: err.message });
    request.log.error({ err: err.message }, 'unhandled error in the Svix API');
    return reply.code(500).send({ code: 'internal', detail: 'internal error' });
  });
}

/** A Svix path outside the subset Hookline serves: a 404 that says so, never a silent no. */
export function outsideSubset(method: string, url: string): SvixError {
  return new SvixError(404, {
    code: 'not_found',
    detail: `${method} ${url.split('?')[0]} is not part of the Svix API Hookline serves (applications, endpoints, messages, message attempts, event types; see the README)`,
  });
}
