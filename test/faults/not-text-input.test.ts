import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { withNode } from '../support/fixture.js';
import { STORE_KINDS } from '../support/stores.js';

/** Requests carrying a NUL or a lone surrogate where a store keeps text, and the field each answer must name. */
const CASES: Array<{ method: string; path: string; body?: unknown; field: string }> = [
  { method: 'PUT', path: '/api/v1/jobs/a%00', body: { webhook: { url: 'http://127.0.0.1:9/' } }, field: 'id' },
  { method: 'PUT', path: '/api/v1/jobs/named', body: { name: 'a\u0000b', webhook: { url: 'http://127.0.0.1:9/' } }, field: 'name' },
  { method: 'PUT', path: '/api/v1/jobs/lone', body: { name: 'a\ud800b', webhook: { url: 'http://127.0.0.1:9/' } }, field: 'name' },
  { method: 'POST', path: '/api/v1/jobs/%00/trigger', body: {}, field: 'id' },
  { method: 'PATCH', path: '/api/v1/hooks/%00', body: { enabled: false }, field: 'id' },
  { method: 'GET', path: '/api/v1/hooks/%00', field: 'id' },
  { method: 'POST', path: '/api/v1/endpoints/%00/rotate-secret', body: {}, field: 'name' },
  { method: 'PUT', path: '/api/v1/event-types/a.b', body: { description: 'x\u0000' }, field: 'description' },
  { method: 'GET', path: '/api/v1/executions?job=%00', field: 'job' },
  { method: 'POST', path: '/api/v1/events', body: { type: 'a\u0000.b', payload: {} }, field: 'type' },
];

/** The same for the Svix routes, answered in Svix's shape (422 with the field in `loc`). */
const SVIX_CASES: Array<{ method: string; path: string; body?: unknown; field: string }> = [
  { method: 'GET', path: '/api/v1/app/nul-app/msg?iterator=abc~def', field: 'iterator' },
  { method: 'GET', path: '/api/v1/app/nul-app/attempt/endpoint/ep-1?iterator=abc~def', field: 'iterator' },
  { method: 'POST', path: '/api/v1/app/nul-app/endpoint/ep-1/recover', body: { since: '2026-01-01T00:00:00Z', until: 'garbage' }, field: 'until' },
  { method: 'PUT', path: '/api/v1/app/a%00b', body: { name: 'x' }, field: 'app_id' },
  { method: 'POST', path: '/api/v1/app', body: { name: 'x\u0000' }, field: 'name' },
  { method: 'POST', path: '/api/v1/app', body: { name: 'x', uid: 'u\u0000' }, field: 'uid' },
];

async function send(url: string, c: { method: string; path: string; body?: unknown }) {
  const res = await fetch(url + c.path, {
    method: c.method,
    headers: c.body === undefined ? {} : { 'content-type': 'application/json' },
    body: c.body === undefined ? undefined : JSON.stringify(c.body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: text ? JSON.parse(text) : undefined };
}

for (const kind of STORE_KINDS) {
  describe(`NUL bytes and lone surrogates are a 400 naming the field: ${kind.name}`, () => {
    test('in paths, queries and bodies of Hookline routes; nothing is stored', async () => {
      await withNode(kind, {}, async ({ node }) => {
        for (const c of CASES) {
          const res = await send(node.url, c);
          assert.equal(res.status, 400, `${c.method} ${c.path}: ${res.text}`);
          assert.equal(res.body.error.field, c.field, `${c.method} ${c.path}`);
          assert.equal(res.headers.get('retry-after'), null, 'nothing invites a retry');
        }
        assert.deepEqual((await node.api('GET', '/api/v1/jobs')).body.items, []);
        // Data is kept as JSON, which holds any string: a payload or a trigger's input may carry a NUL.
        const published = await node.api('POST', '/api/v1/events', { type: 'a.b', payload: { ['k\u0000']: 'v\u0000\ud800' } });
        assert.equal(published.status, 202, published.text);
        assert.deepEqual((await node.api('GET', `/api/v1/events/${published.body.id}`)).body.payload, { ['k\u0000']: 'v\u0000\ud800' });
      });
    });

    test('in the Svix routes, answered in their shape', async () => {
      await withNode(kind, {}, async ({ node, receiver }) => {
        assert.equal((await send(node.url, { method: 'PUT', path: '/api/v1/app/nul-app', body: { name: 'nul' } })).status, 201);
        assert.equal((await send(node.url, { method: 'POST', path: '/api/v1/app/nul-app/endpoint', body: { uid: 'ep-1', url: receiver.url } })).status, 201);
        const endpoints = (await send(node.url, { method: 'GET', path: '/api/v1/app/nul-app/endpoint' })).body.data;
        for (const c of SVIX_CASES) {
          const path = c.path.replace('ep-1', endpoints[0].id);
          const res = await send(node.url, { ...c, path });
          assert.equal(res.status, 422, `${c.method} ${path}: ${res.text}`);
          assert.equal(res.body.detail[0].loc.at(-1), c.field, `${c.method} ${path}: ${res.text}`);
        }
      });
    });
  });
}
