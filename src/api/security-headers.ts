import type { FastifyInstance } from 'fastify';

/**
 * What every answer of the node tells the browser: the console runs its own scripts and styles and
 * nothing else, talks to this node alone, and is framed by no page (clickjacking); no answer is
 * sniffed into another type. JSON answers carry the same policy: it costs nothing and no API answer
 * is meant to be rendered.
 */
export const CONSOLE_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** /docs: Swagger UI's own files, and the inline styles it sets on its elements. */
export const DOCS_POLICY = CONSOLE_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'");

/** Sets the headers on every answer, errors included; `policy` replaces the policy for the routes of one plugin. */
export function installSecurityHeaders(app: FastifyInstance, policy = CONSOLE_POLICY): void {
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers({ 'content-security-policy': policy, 'x-frame-options': 'DENY', 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' });
    done();
  });
}
