import type { FastifyInstance } from 'fastify';
import { HttpError } from '../errors.js';
import { safeEqual } from '../secrets/safe-equal.js';
import { METRICS_PATH } from './metrics-route.js';

/** With a token configured, every /api/v1 route and /metrics want `Authorization: Bearer <token>`. */
export function installApiAuth(app: FastifyInstance, token: string | undefined, isPublic: (url: string) => boolean = () => false): void {
  if (!token) return;
  const expected = `Bearer ${token}`;
  app.addHook('onRequest', async (request) => {
    const guarded = request.url.startsWith('/api/v1/') || request.url === METRICS_PATH || request.url.startsWith(`${METRICS_PATH}?`);
    if (!guarded || isPublic(request.url)) return;
    if (!safeEqual(request.headers.authorization ?? '', expected)) {
      throw new HttpError(401, 'UNAUTHORIZED', 'a valid bearer token is required', undefined, { 'www-authenticate': 'Bearer' });
    }
  });
}
