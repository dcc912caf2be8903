import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { declarePublic } from './access.js';

/** Where the console's build is (ui/dist, made by `npm run build`), from src/api or dist/api alike. */
export const CONSOLE_FOLDER = fileURLToPath(new URL('../../ui/dist/', import.meta.url));

/** The console's own pages: each answers its index.html, and the app shows the page. */
export const CONSOLE_PAGES = ['/', '/overview', '/executions', '/executions/:id', '/jobs', '/jobs/new', '/jobs/:id', '/hooks', '/hooks/:id', '/tester', '/endpoints', '/endpoints/new', '/endpoints/:name', '/events', '/events/:id', '/inspector', '/inspector/:bin'];

/**
 * The web console, served by the api role: its built files, and its pages. Neither needs the API
 * token, since they hold no data; the console asks for the token before it reads anything.
 */
export function consoleRoutes() {
  return async function register(app: FastifyInstance): Promise<void> {
    declarePublic(app);
    if (!existsSync(`${CONSOLE_FOLDER}index.html`)) {
      for (const page of CONSOLE_PAGES) {
        app.get(page, async (_request, reply) => reply.code(503).type('text/plain; charset=utf-8').send('The console is not built: run npm run build. The API is at /docs.\n'));
      }
      return;
    }
    // One route per built file (no catch-all): any other path stays a 404 in the API's error shape.
    await app.register(fastifyStatic, { root: CONSOLE_FOLDER, wildcard: false, index: false, serveDotFiles: false });
    for (const page of CONSOLE_PAGES) app.get(page, async (_request, reply) => reply.header('cache-control', 'no-cache').sendFile('index.html'));
  };
}
