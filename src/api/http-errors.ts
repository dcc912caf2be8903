import type { FastifyError, FastifyInstance } from 'fastify';
import { HttpError, unavailable } from '../errors.js';
import { isStoreUnavailable } from '../store/store-unavailable.js';

/** Maps Fastify's own errors onto Hookline's one error shape. */
export function fromFastify(err: FastifyError): HttpError | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HttpError(413, 'BODY_TOO_LARGE', 'the request body is larger than the limit', 'body');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new HttpError(400, 'INVALID_JSON', `the body is not valid JSON: ${err.message}`, 'body');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', err.message, 'content-type');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new HttpError(400, 'INVALID_INPUT', err.message, 'content-length');
    default:
      if (err instanceof SyntaxError) return new HttpError(400, 'INVALID_JSON', `the body is not valid JSON: ${err.message}`, 'body');
      if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return new HttpError(err.statusCode, 'BAD_REQUEST', err.message);
      return undefined;
  }
}

/** The one error handler: every failure leaves as `{"error": {"code", "message", "field"?}}`. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const known = err instanceof HttpError ? err : isStoreUnavailable(err) ? unavailable(`the store is unavailable: ${err.message}`) : fromFastify(err);
    if (known) return reply.code(known.status).headers(known.headers).send(known.toJSON());
    request.log.error({ err: err.message, stack: err.stack }, 'unhandled error');
    return reply.code(500).send(new HttpError(500, 'INTERNAL', 'internal error').toJSON());
  });
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send(new HttpError(404, 'NOT_FOUND', `no route for ${request.method} ${request.url.split('?')[0]}`).toJSON());
  });
}
