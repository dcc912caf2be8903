import type { FastifyInstance } from 'fastify';
import { svixAppRoutes } from './svix-app-routes.js';
import type { SvixContext } from './svix-context.js';
import { svixEndpointRoutes } from './svix-endpoint-routes.js';
import { installSvixErrors, outsideSubset } from './svix-errors.js';
import { svixMessageRoutes } from './svix-message-routes.js';

/** Where Svix's API lives; Hookline serves the subset its README lists, under its own API token. */
export const SVIX_PATHS = ['/api/v1/app', '/api/v1/event-type'];

/**
 * The core of Svix's REST API, beside Hookline's own and mapped onto the same events, endpoints and
 * deliveries: a Svix application is a namespace. Its routes answer errors in Svix's shape, and any
 * Svix path outside the subset answers 404 saying so.
 */
export function svixRoutes(ctx: SvixContext) {
  return async function register(root: FastifyInstance): Promise<void> {
    await root.register(async (app) => {
      installSvixErrors(app);
      for (const routes of [svixAppRoutes(ctx), svixEndpointRoutes(ctx), svixMessageRoutes(ctx)]) await routes(app);
      for (const path of SVIX_PATHS) {
        app.all(`${path}/*`, async (request) => {
          throw outsideSubset(request.method, request.url);
        });
      }
    });
  };
}
