import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { withNode } from '../support/fixture.js';
import { getExecution, trigger } from '../support/jobs.js';
import { STORE_KINDS } from '../support/stores.js';

const sqlite = STORE_KINDS.find((k) => k.name === 'sqlite')!;

/** A request with exactly these headers: no Content-Type unless one is given. */
async function send(url: string, method: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method, body: new TextEncoder().encode(body), headers });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe('request bodies: JSON, YAML, and no Content-Type', () => {
  test('jobs and endpoints may be YAML; JSON without a Content-Type is JSON on every route; anything else is a 415 naming what is accepted', async () => {
    await withNode(sqlite, {}, async ({ node, receiver }) => {
      const yamlJob = `id: from-yaml\nwebhook:\n  url: ${receiver.url}\n  body:\n    ref: "{{ trigger.body.ref }}"\nretry_policy:\n  max_attempts: 2\n`;
      const created = await send(`${node.url}/api/v1/jobs`, 'POST', yamlJob, { 'content-type': 'application/yaml' });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.retry_policy.max_attempts, 2);
      const endpoint = await send(`${node.url}/api/v1/endpoints/yaml-endpoint`, 'PUT', `url: ${receiver.url}\ntimeout: 5s\n`, { 'content-type': 'text/yaml' });
      assert.equal(endpoint.status, 201, JSON.stringify(endpoint.body));

      const bare = await send(`${node.url}/api/v1/jobs`, 'POST', JSON.stringify({ id: 'bare', webhook: { url: receiver.url } }));
      assert.equal(bare.status, 201, JSON.stringify(bare.body));
      const triggered = await send(`${node.url}/api/v1/jobs/from-yaml/trigger`, 'POST', '{"ref": "main"}');
      assert.equal(triggered.status, 202);
      assert.deepEqual((await getExecution(node, 'from-yaml', triggered.body.id)).trigger.body, { ref: 'main' });
      const yamlTrigger = await send(`${node.url}/api/v1/jobs/from-yaml/trigger`, 'POST', 'ref: v2\n', { 'content-type': 'application/yaml' });
      assert.deepEqual((await getExecution(node, 'from-yaml', yamlTrigger.body.id)).trigger.body, { ref: 'v2' });
      assert.ok(await trigger(node, 'bare'));

      for (const [body, headers, message] of [
        ['ref=main', {}, 'a body without a Content-Type that is not JSON is not accepted; send application/json or application/yaml'],
        ['{"ref": "main"}', { 'content-type': 'text/plain' }, 'Content-Type text/plain is not accepted; send application/json or application/yaml'],
        ['ref=main', { 'content-type': 'application/x-www-form-urlencoded' }, 'Content-Type application/x-www-form-urlencoded is not accepted; send application/json or application/yaml'],
      ] as const) {
        const res = await send(`${node.url}/api/v1/jobs/bare/trigger`, 'POST', body, headers);
        assert.equal(res.status, 415);
        assert.deepEqual(res.body.error, { code: 'UNSUPPORTED_MEDIA_TYPE', message, field: 'content-type' });
      }

      const broken = await send(`${node.url}/api/v1/jobs`, 'POST', 'id: [unclosed\n', { 'content-type': 'application/yaml' });
      assert.equal(broken.status, 400);
      assert.equal(broken.body.error.field, 'body');
      assert.match(broken.body.error.message, /not valid YAML/);
      const laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`)].join('\n');
      const bomb = await send(`${node.url}/api/v1/jobs`, 'POST', laughs, { 'content-type': 'application/yaml' });
      assert.equal(bomb.status, 400, 'aliases are not expanded without bound');
      const big = await send(`${node.url}/api/v1/jobs`, 'POST', `id: big\nwebhook: {url: "${receiver.url}"}\ndescription: "${'x'.repeat(17 * 1024)}"\n`, { 'content-type': 'application/yaml' });
      assert.equal(big.status, 413);
      assert.match(big.body.error.message, /a YAML body may be at most 16 KiB; send larger documents as JSON/);
      const aliases = `a: &a 1\n${Array.from({ length: 150 }, (_, i) => `b${i}: *a`).join('\n')}\n`;
      const many = await send(`${node.url}/api/v1/jobs`, 'POST', aliases, { 'content-type': 'application/yaml' });
      assert.equal(many.status, 400);
      assert.match(many.body.error.message, /at most 100 aliases/);
      // The worst shape for the parser (many short keys) at the limit is answered at once.
      const keys = Array.from({ length: 1800 }, (_, i) => `k${i}: v`).join('\n').slice(0, 16 * 1024 - 1);
      const started = performance.now();
      const wide = await send(`${node.url}/api/v1/jobs`, 'POST', keys, { 'content-type': 'application/yaml' });
      assert.equal(wide.status, 400);
      assert.ok(performance.now() - started < 500, `answered after ${Math.round(performance.now() - started)} ms`);
      const deep = await send(`${node.url}/api/v1/jobs`, 'POST', Array.from({ length: 100 }, (_, i) => `${' '.repeat(i * 2)}a:`).join('\n') + ' 1\n', { 'content-type': 'application/yaml' });
      assert.equal(deep.status, 400);
      assert.match(deep.body.error.message, /nests deeper than 64 levels/);
    });
  });
});
