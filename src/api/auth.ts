import type { FastifyInstance } from 'fastify';
import { HttpError } from '../errors.js';
import { safeEqual } from '../secrets/safe-equal.js';

/** With a token configured, every /api/v1 route wants `Authorization: Bearer <token>`. */
export function installApiAuth(app: FastifyInstance, token: string | undefined, isPublic: (url: string) => boolean = () => false): void {
  if (!token) return;
  const expected = `Bearer ${token}`;
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/v1/') || isPublic(request.url)) return;
    if (!safeEqual(request.headers.authorization ?? '', expected)) {
      throw new HttpError(401, 'UNAUTHORIZED', 'a valid bearer token is required', undefined, { 'www-authenticate': 'Bearer' });
    }
  });
}
