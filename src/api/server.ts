import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { installAccess, PUBLIC_ROUTE } from './access.js';
import { installSecurityHeaders } from './security-headers.js';
import { installInputGuard } from './input-guard.js';
import { handleClientError } from './client-errors.js';
import { fromFastify, installErrorHandler } from './http-errors.js';
import { installBodyParsers } from './body-parsers.js';
import { HttpError } from '../errors.js';

export interface ServerOptions {
  log: Logger;
  bodyLimit: number;
  apiToken?: string;
  routes: Array<(app: FastifyInstance) => Promise<void>>;
  /** Proxies (addresses or CIDRs) whose X-Forwarded-For names the caller. */
  trustedProxies: string[];
  timeouts: ServerTimeouts;
  /** Whether the node's work has started; until then health checks answer 503. */
  ready?: () => boolean;
}

/** Milliseconds; together they keep slow clients (slowloris) from holding connections open. */
export interface ServerTimeouts {
  headers: number;
  request: number;
  idle: number;
  keepAlive: number;
}

/** How often Node looks for connections past their headers or request deadline. */
const DEADLINE_CHECK_MS = 1000;

/** The Fastify server: body limit, one error shape, access decided per route (access.ts), and the given routes. */
export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: options.log as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    // Requests are not logged one by one, so each shares the node's logger rather than a child made per request.
    childLoggerFactory: (logger) => logger,
    bodyLimit: options.bodyLimit,
    trustProxy: options.trustedProxies.length > 0 ? options.trustedProxies : false,
    http: { headersTimeout: options.timeouts.headers, connectionsCheckingInterval: Math.min(DEADLINE_CHECK_MS, options.timeouts.headers) },
    requestTimeout: options.timeouts.request,
    connectionTimeout: options.timeouts.idle,
    keepAliveTimeout: options.timeouts.keepAlive,
    // Requests reaching a closing node get Hookline's own 503 (below), not Fastify's.
    return503OnClosing: false,
    clientErrorHandler: handleClientError,
    // A URL Fastify cannot decode, or a bad Content-Type, is refused before routing: in the one shape too.
    frameworkErrors: (err, _request, reply) => {
      const known = fromFastify(err) ?? new HttpError(400, 'BAD_REQUEST', err.message);
      void (reply as FastifyReply).code(known.status).send(known.toJSON());
    },
  });
  refuseWhileClosing(app);
  installBodyParsers(app);
  installErrorHandler(app);
  installSecurityHeaders(app);
  installAccess(app, options.apiToken);
  installInputGuard(app);
  app.get('/healthz', PUBLIC_ROUTE, async (_request, reply) => {
    if (options.ready && !options.ready()) return reply.code(503).header('retry-after', '1').send({ status: 'starting' });
    return { status: 'ok' };
  });
  for (const routes of options.routes) await app.register(routes);
  return app;
}

/** Once the node is closing, new requests are answered 503 so that callers go to another node or come back. */
function refuseWhileClosing(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', (_request, _reply, done) => {
    if (closing) done(new HttpError(503, 'SHUTTING_DOWN', 'this node is shutting down; try again', undefined, { 'retry-after': '1', connection: 'close' }));
    else done();
  });
}
