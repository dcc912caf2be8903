import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { HttpError } from '../errors.js';
import { safeEqual } from '../secrets/safe-equal.js';

/**
 * Who may call a route. `public`: anyone — the route holds no data (the console's files, the API
 * document) or authenticates its callers itself (a hook's secret URL). `token`: the API token, when
 * one is configured. Access is decided on the route the router matched, never on the raw URL, so a
 * spelling of a path (percent-encoded letters, an absolute-form target) cannot pick another rule
 * than the handler it reaches. A route that declares nothing, and any request that matches no route,
 * wants the token: deny by default.
 */
export type Access = 'public' | 'token';

/** Route options of a route anyone may call: `app.get(path, PUBLIC_ROUTE, handler)`. */
export const PUBLIC_ROUTE = { config: { access: 'public' as Access } };

/** One route of the server as the router holds it, with the access it was declared with. */
export interface RouteEntry {
  method: string;
  url: string;
  access: Access;
}

const tables = new WeakMap<FastifyInstance, RouteOptions[]>();

const accessOfConfig = (config: unknown): Access => ((config as { access?: Access } | undefined)?.access === 'public' ? 'public' : 'token');

/** Every route the server serves, HEAD routes included, each with its access. */
export function routeTable(app: FastifyInstance): RouteEntry[] {
  return (tables.get(app) ?? []).flatMap((route) =>
    [route.method].flat().map((method) => ({ method, url: route.url, access: accessOfConfig(route.config) })),
  );
}

/**
 * Every route a plugin adds from here on is public: for plugins that add routes of their own
 * (the console's static files), whose options cannot carry PUBLIC_ROUTE.
 */
export function declarePublic(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    route.config = { ...(route.config as object), access: 'public' };
  });
}

/** The access of the route a request matched; a request that matched none wants the token. */
export function accessOf(request: FastifyRequest): Access {
  return request.is404 ? 'token' : accessOfConfig(request.routeOptions.config);
}

/** With a token configured, every request but those to public routes wants `Authorization: Bearer <token>`. */
export function installAccess(app: FastifyInstance, token: string | undefined): void {
  const table: RouteOptions[] = [];
  tables.set(app, table);
  // Kept by reference: hooks of the plugin adding a route (declarePublic) run after this one.
  app.addHook('onRoute', (route) => void table.push(route));
  if (!token) return;
  const expected = `Bearer ${token}`;
  app.addHook('onRequest', async (request) => {
    if (accessOf(request) === 'public') return;
    if (!safeEqual(request.headers.authorization ?? '', expected)) {
      throw new HttpError(401, 'UNAUTHORIZED', 'a valid bearer token is required', undefined, { 'www-authenticate': 'Bearer' });
    }
  });
}
