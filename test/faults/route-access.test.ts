import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { routeTable, type RouteEntry } from '../../src/api/access.js';
import { startNode, type Running } from '../support/harness.js';
import { rawRequest } from '../support/raw-http.js';
import { STORE_KINDS, type TestDatabase } from '../support/stores.js';

const TOKEN = 'route-access-token';

/** The only routes anyone may call without the token; any other route found public fails the test. */
const PUBLIC = [
  /^\/healthz$/,
  /^\/openapi\.json$/,
  /^\/docs(\/.*)?$/,
  /^\/api\/v1\/executions\/webhook\/:namespace\/:job\/:key$/,
  /^\/api\/v1\/endpoints\/:name\/public-key$/,
  // Inspector bins: anyone may send to them (reading them takes the token).
  /^\/inspect\/:bin(\/\*)?$/,
  // The console: its pages and built files hold no data.
  /^\/(overview|executions|jobs|hooks|tester|endpoints|events|inspector)?(\/new|\/:id|\/:name|\/:bin)?$/,
  /^\/(index\.html|assets\/[\w.-]+|[\w-]+\.(svg|ico|png|txt))$/,
];

/** A path of the route with each parameter filled. */
const concrete = (url: string) => url.replace(/:[a-z_]+/g, 'x').replace(/\*$/, 'x');

/** Spellings of one path a router may take for it, or that reach no route at all. */
function spellings(path: string): string[] {
  const segments = path.split('/').slice(1);
  const encoded = segments.flatMap((segment, i) => {
    const at = segment.search(/[a-z]/);
    if (at < 0) return [];
    const hex = `%${segment.charCodeAt(at).toString(16)}`;
    return ['/' + segments.map((s, j) => (j === i ? s.slice(0, at) + hex + s.slice(at + 1) : s)).join('/')];
  });
  const upper = '/' + segments.map((s, i) => (i === 0 ? s.toUpperCase() : s)).join('/');
  const [first, ...rest] = segments;
  return [
    path,
    ...encoded,
    `http://x${path}`,
    `http://127.0.0.1${path}`,
    `/${path}`,
    `/${first}//${rest.join('/')}`,
    `/.${path}`,
    `/${first}/./${rest.join('/')}`,
    `${path}/.`,
    `${path}/..`,
    `${path}/x/..`,
    upper,
    `/${first}%2F${rest.join('%2F')}`,
    `${path}?`,
  ];
}

async function send(node: Running, method: string, target: string, token?: string) {
  const body = method === 'GET' || method === 'HEAD' || method === 'DELETE' ? '' : '{}';
  const head = [`${method} ${target} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close', 'Content-Type: application/json', `Content-Length: ${body.length}`];
  if (token) head.push(`Authorization: Bearer ${token}`);
  return rawRequest(Number(new URL(node.url).port), `${head.join('\r\n')}\r\n\r\n${body}`);
}

for (const kind of STORE_KINDS) {
  describe(`access is decided on the matched route: ${kind.name}`, () => {
    let db: TestDatabase;
    let node: Running;
    let table: RouteEntry[];
    before(async () => {
      db = kind.create();
      node = await startNode(db, { config: { api_token: TOKEN } });
      table = routeTable(node.app.server);
    });
    after(async () => {
      await node.close();
      await db.drop();
    });

    test('only the routes meant to be public are declared public', () => {
      assert.ok(table.length > 60, `the table holds ${table.length} routes`);
      const unexpected = table.filter((r) => r.access === 'public' && !PUBLIC.some((p) => p.test(r.url)));
      assert.deepEqual(unexpected, []);
      assert.ok(table.some((r) => r.access === 'public' && r.method === 'POST' && r.url.startsWith('/api/v1/executions/webhook/')));
      assert.ok(table.some((r) => r.access === 'token' && r.url === '/metrics'));
    });

    test('every guarded route answers 401 without the token, however its path is spelled', async () => {
      const answered: string[] = [];
      for (const route of table.filter((r) => r.access === 'token')) {
        for (const target of spellings(concrete(route.url))) {
          const res = await send(node, route.method, target);
          if (res.status !== 401) answered.push(`${route.method} ${target} -> ${res.status}`);
        }
      }
      // A spelling that reaches a public route (the hook route under /executions) is that route's answer, not the guarded one's.
      assert.deepEqual(answered.filter((a) => !/^\w+ \/api\/v1\/executions\/webhook\//.test(a)), []);
    });

    test('paths under /api that match no route want the token too; with it they are 404', async () => {
      for (const target of ['/api/v1/nothing', '/api/v2/jobs', '/api/', '/%61pi/v1/nothing', '/metrics/x']) {
        assert.equal((await send(node, 'GET', target)).status, 401, target);
        assert.equal((await send(node, 'GET', target, TOKEN)).status, 404, target);
      }
    });

    test('with the token a spelled path reaches its route, as the router decodes it', async () => {
      const res = await send(node, 'GET', '/%61pi/v1/jobs', TOKEN);
      assert.equal(res.status, 200, res.body);
      assert.equal((await send(node, 'GET', '/api/v1/jobs', 'wrong')).status, 401);
    });

    test('public routes answer without the token', async () => {
      for (const target of ['/healthz', '/openapi.json', '/docs']) assert.equal((await send(node, 'GET', target)).status, 200, target);
      assert.equal((await send(node, 'POST', '/api/v1/executions/webhook/default/none/nokey')).status, 404);
      assert.equal((await send(node, 'GET', '/api/v1/endpoints/none/public-key')).status, 404);
    });
  });
}

describe('a node without the api role serves /healthz and /metrics only', () => {
  const kind = STORE_KINDS[0];
  let db: TestDatabase;
  let node: Running;
  before(async () => {
    db = kind.create();
    node = await startNode(db, { config: { roles: ['scheduler', 'worker'] } });
  });
  after(async () => {
    await node.close();
    await db.drop();
  });

  test('the API, hooks and console answer 404; health and metrics answer', async () => {
    assert.equal((await node.api('GET', '/healthz')).status, 200);
    assert.equal((await node.api('GET', '/metrics')).status, 200);
    for (const [method, path] of [['GET', '/api/v1/jobs'], ['POST', '/api/v1/jobs/x/trigger'], ['GET', '/'], ['GET', '/openapi.json'], ['POST', '/api/v1/executions/webhook/default/x/y']]) {
      const res = await fetch(node.url + path, { method, signal: AbortSignal.timeout(5000) });
      assert.equal(res.status, 404, `${method} ${path}`);
    }
    assert.deepEqual(routeTable(node.app.server).map((r) => r.url).sort(), ['/healthz', '/healthz', '/metrics', '/metrics']);
  });
});
