import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { withNode } from '../support/fixture.js';
import { STORE_KINDS } from '../support/stores.js';
import { cspViolations, launchBrowser } from '../support/browser.js';
import { DOCS_POLICY } from '../../src/api/security-headers.js';
import { CONSOLE_PAGES } from '../../src/api/console-routes.js';
import { SVIX_PATHS } from '../../src/svix/svix-routes.js';
import type { FastifyInstance } from 'fastify';
import { routeTable } from '../../src/api/access.js';

const sqlite = STORE_KINDS.find((k) => k.name === 'sqlite')!;

/**
 * Routes of the docs page and the console (pages and built files): not part of the API. Nor is the
 * Svix-compatible subset: its document is Svix's, and its own test drives it with Svix's client.
 */
const NOT_API = new Set(['/docs/{file}', '/docs/start.js', '/docs', ...CONSOLE_PAGES.map((p) => p.replace(/:(\w+)/g, '{$1}'))]);
const isSvix = (path: string) => SVIX_PATHS.some((p) => path === p || path.startsWith(`${p}/`));
// The console's built files (index.html, favicon.svg, assets/...) and the inspector's bins are not the API.
const isNotApi = (path: string) => NOT_API.has(path) || path.startsWith('/assets/') || path.startsWith('/inspect/') || /^\/(index\.html|favicon\.svg)$/.test(path) || isSvix(path);

/** `METHOD /path/{param} public|token` for every route the server has, HEAD left out, from its route table. */
function serverRoutes(node: { app: { server: FastifyInstance } }): string[] {
  return routeTable(node.app.server)
    .map((r) => ({ ...r, url: r.url.replace(/:(\w+)/g, '{$1}') }))
    .filter((r) => r.method !== 'HEAD' && !isNotApi(r.url))
    .map((r) => `${r.method} ${r.url} ${r.access}`);
}

describe('the API document', () => {
  test('is OpenAPI 3.1, passes the strict lint, and lists exactly the routes the server has', async () => {
    await withNode(sqlite, {}, async ({ node }) => {
      const res = await fetch(`${node.url}/openapi.json`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      const text = await res.text();
      const document = JSON.parse(text) as { openapi: string; paths: Record<string, Record<string, unknown>> };
      assert.equal(document.openapi, '3.1.0');

      // The health check has no client error to give; every other rule of the strict set holds.
      const config = await createConfig({ extends: ['recommended-strict'], rules: { 'operation-4xx-response': 'off' } } as never);
      const problems = await lintFromString({ source: text, absoluteRef: `${node.url}/openapi.json`, config });
      assert.deepEqual(problems.map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`), []);

      // Each route as documented, with whether it wants the token: the document says what the server enforces.
      const documented = Object.entries(document.paths).flatMap(([path, methods]) =>
        Object.entries(methods as Record<string, { security?: unknown[] }>).map(([m, op]) => `${m.toUpperCase()} ${path} ${op.security?.length === 0 ? 'public' : 'token'}`),
      );
      assert.deepEqual(serverRoutes(node).sort(), documented.sort());
    });
  });

  test("its request examples are taken by the server, and a query parameter a route does not take is a 400 naming it", async () => {
    await withNode(sqlite, {}, async ({ node }) => {
      const document = (await node.api('GET', '/openapi.json')).body as {
        paths: Record<string, Record<string, { requestBody?: { content: Record<string, { example?: unknown }> } }>>;
      };
      const endpoint = document.paths['/api/v1/endpoints'].post.requestBody!.content['application/json'].example;
      assert.equal((await node.api('POST', '/api/v1/endpoints', endpoint)).status, 201);
      const job = document.paths['/api/v1/jobs'].post.requestBody!.content['application/json'].example;
      assert.equal((await node.api('POST', '/api/v1/jobs', job)).status, 201);

      const unknown = await node.api('GET', '/api/v1/jobs?state=paused');
      assert.equal(unknown.status, 400);
      assert.equal(unknown.body.error.field, 'state');
      assert.match(unknown.body.error.message, /state is not a parameter here; this route takes enabled, limit, cursor/);
      const twice = await node.api('GET', '/api/v1/executions?status=failed&status=succeeded');
      assert.equal(twice.status, 400);
      assert.equal(twice.body.error.message, 'status may be given once');
      const limit = await node.api('GET', '/api/v1/hooks?limit=0');
      assert.equal(limit.body.error.message, 'limit must be an integer from 1 to 500');
    });
  });

  test('/docs is served from the package, with no file from elsewhere', async () => {
    await withNode(sqlite, {}, async ({ node }) => {
      const page = await fetch(`${node.url}/docs`);
      assert.equal(page.status, 200);
      const html = await page.text();
      const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
      assert.deepEqual(sources, ['/docs/swagger-ui.css', '/docs/swagger-ui-bundle.js', '/docs/start.js']);
      for (const source of sources) {
        const file = await fetch(`${node.url}${source}`);
        assert.equal(file.status, 200, source);
        assert.ok((await file.arrayBuffer()).byteLength > (source.endsWith('start.js') ? 50 : 10_000), source);
      }
      assert.match(await (await fetch(`${node.url}/docs/start.js`)).text(), /url: "\/openapi\.json"/);
      assert.equal((await fetch(`${node.url}/docs/..%2Fpackage.json`)).status, 404);
    });
  });

  test('/docs shows every operation in a real browser, fetching nothing from anywhere but the node', async () => {
    await withNode(sqlite, {}, async ({ node }) => {
      const browser = await launchBrowser();
      try {
        const page = await browser.newPage();
        const elsewhere: string[] = [];
        page.on('request', (r) => void (r.url().startsWith(node.url) || elsewhere.push(r.url())));
        const refused = cspViolations(page);
        const answer = await page.goto(`${node.url}/docs`);
        assert.equal(answer?.headers()['content-security-policy'], DOCS_POLICY);
        assert.equal(answer?.headers()['x-frame-options'], 'DENY');
        await page.getByText('Create a job').first().waitFor({ timeout: 15_000 });
        const summaries = await page.locator('.opblock-summary-description').allTextContents();
        const document = (await node.api('GET', '/openapi.json')).body as { paths: Record<string, Record<string, { summary: string }>> };
        const documented = Object.values(document.paths).flatMap((methods) => Object.values(methods).map((op) => op.summary));
        assert.deepEqual([...summaries].sort(), [...documented].sort());
        assert.deepEqual(elsewhere, []);
        assert.deepEqual(refused, [], 'the page works under its policy');
      } finally {
        await browser.close();
      }
    });
  });
});
