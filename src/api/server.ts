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
}

/** The Fastify server: body limit, one error shape, API token, and the given routes. */
export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: options.log as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimit,
    requestTimeout: 30_000,
    connectionTimeout: 60_000,
    keepAliveTimeout: 10_000,
    return503OnClosing: true,
  });
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  installErrorHandler(app);
  installApiAuth(app, options.apiToken, options.isPublic);
  app.get('/healthz', async () => ({ status: 'ok' }));
  for (const routes of options.routes) await app.register(routes);
  return app;
}
