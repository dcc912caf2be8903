import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startNode } from '../support/harness.js';
import { rawRequest } from '../support/raw-http.js';
import { STORE_KINDS } from '../support/stores.js';

const sqlite = STORE_KINDS.find((k) => k.name === 'sqlite')!;

/** Every error Hookline answers is `{"error": {"code", "message", "field"?}}`, nothing else. */
function assertErrorShape(body: string, status: number, code?: string): void {
  const parsed = JSON.parse(body) as { error: Record<string, unknown> };
  assert.deepEqual(Object.keys(parsed), ['error'], `${status}: ${body}`);
  assert.equal(typeof parsed.error.code, 'string');
  assert.equal(typeof parsed.error.message, 'string');
  for (const key of Object.keys(parsed.error)) assert.ok(['code', 'message', 'field'].includes(key), `unexpected key ${key} in ${body}`);
  if (code) assert.equal(parsed.error.code, code);
}

describe('every error answer has the documented shape', () => {
  test('refusals made before routing: oversized headers, malformed HTTP, slow requests, bad URLs', async () => {
    const db = sqlite.create();
    const node = await startNode(db, { config: { http: { headers_timeout: '500ms', request_timeout: '1s' } } });
    const port = Number(new URL(node.url).port);
    try {
      const huge = await rawRequest(port, `GET /api/v1/jobs HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`);
      assert.equal(huge.status, 431);
      assertErrorShape(huge.body, 431, 'HEADERS_TOO_LARGE');

      const garbage = await rawRequest(port, 'THIS IS NOT HTTP\r\n\r\n');
      assert.equal(garbage.status, 400);
      assertErrorShape(garbage.body, 400);

      const slow = await rawRequest(port, 'POST /api/v1/jobs HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{', 5000);
      assert.equal(slow.status, 408);
      assertErrorShape(slow.body, 408, 'REQUEST_TIMEOUT');

      for (const [method, path, body, type, status] of [
        ['GET', '/api/v1/jobs/%E0%A4%A', undefined, undefined, 400],
        ['GET', '/no/such/route', undefined, undefined, 404],
        ['POST', '/api/v1/jobs', '{"id": ', 'application/json', 400],
        ['POST', '/api/v1/jobs', '{"__proto__": {"x": 1}}', 'application/json', 400],
        ['POST', '/api/v1/jobs', 'x'.repeat(2 * 1024 * 1024), 'application/json', 413],
        ['PATCH', '/api/v1/jobs', '{}', 'application/json', 404],
        ['GET', '/api/v1/jobs?limit=abc', undefined, undefined, 400],
      ] as const) {
        const res = await fetch(node.url + path, { method, body, headers: type ? { 'content-type': type } : {} });
        assert.equal(res.status, status, `${method} ${path}`);
        assertErrorShape(await res.text(), res.status);
      }
    } finally {
      await node.close();
      await db.drop();
    }
  });
});
