import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { declarePublic } from './access.js';
import { DOCS_POLICY, installSecurityHeaders } from './security-headers.js';
import { apiDocument } from './openapi-document.js';

export const DOCUMENT_PATH = '/openapi.json';
export const DOCS_PATH = '/docs';

/** The Swagger UI files served under /docs, from the package itself: the docs need no CDN. */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};
const uiFolder = () => dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Hookline API</title>
<link rel="stylesheet" href="${DOCS_PATH}/swagger-ui.css">
</head>
<body>
<div id="api"></div>
<script src="${DOCS_PATH}/swagger-ui-bundle.js"></script>
<script src="${DOCS_PATH}/start.js"></script>
</body>
</html>
`;

const START = `window.ui = SwaggerUIBundle({ url: ${JSON.stringify(DOCUMENT_PATH)}, dom_id: '#api', deepLinking: true, persistAuthorization: true });\n`;

/** `GET /openapi.json`, the API document, and `GET /docs`, the same read in a browser. Neither takes the API token: they hold no data. */
export function docsRoutes() {
  let document: string | undefined;
  const files = new Map<string, Buffer>();
  return async function register(app: FastifyInstance): Promise<void> {
    declarePublic(app);
    installSecurityHeaders(app, DOCS_POLICY);
    app.get(DOCUMENT_PATH, async (_request, reply) => {
      document ??= JSON.stringify(apiDocument());
      return reply.header('content-type', 'application/json; charset=utf-8').send(document);
    });
    app.get(DOCS_PATH, async (_request, reply) => reply.header('content-type', 'text/html; charset=utf-8').send(PAGE));
    app.get(`${DOCS_PATH}/start.js`, async (_request, reply) => reply.header('content-type', 'text/javascript; charset=utf-8').send(START));
    app.get<{ Params: { file: string } }>(`${DOCS_PATH}/:file`, async (request, reply) => {
      const type = ASSETS[request.params.file];
      if (!type) return reply.code(404).send({ error: { code: 'NOT_FOUND', message: `${request.url} not found` } });
      if (!files.has(request.params.file)) files.set(request.params.file, await readFile(join(uiFolder(), request.params.file)));
      return reply.header('content-type', type).header('cache-control', 'public, max-age=86400').send(files.get(request.params.file));
    });
  };
}
