import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { installApiAuth } from './auth.js';
import { installErrorHandler } from './http-errors.js';

export interface ServerOptions {
  log: Logger;
  bodyLimit: number;
  apiToken?: string;
  /** /api/v1 routes that authenticate callers themselves, without the API token. */
  isPublic?: (url: string) => boolean;
  routes: Array<(app: FastifyInstance) => Promise<void>>;
  /** Proxies (addresses or CIDRs) whose X-Forwarded-For names the caller. */
  trustedProxies: string[];
  timeouts: ServerTimeouts;
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

/** The Fastify server: body limit, one error shape, API token, and the given routes. */
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
    return503OnClosing: true,
  });
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  installErrorHandler(app);
  installApiAuth(app, options.apiToken, options.isPublic);
  app.get('/healthz', async () => ({ status: 'ok' }));
  for (const routes of options.routes) await app.register(routes);
  return app;
}
