import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runCli, spawnServe, type NodeProcess } from '../support/process.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { STORE_KINDS, type TestDatabase } from '../support/stores.js';
import { waitUntil } from '../support/wait.js';

const TOKEN = 'cli-events-token';

describe('the CLI: publish, get events, replay, endpoints pause|resume', () => {
  let db: TestDatabase;
  let node: NodeProcess;
  let receiver: Receiver;
  let env: Record<string, string>;
  let flakyUp = false;
  const api = (method: string, path: string, body?: unknown) =>
    fetch(node.url + path, { method, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  before(async () => {
    db = STORE_KINDS[0].create();
    receiver = await startReceiver((req, res) => void res.writeHead(req.path === '/flaky' && !flakyUp ? 500 : 200).end());
    node = await spawnServe(['--db', db.file!], { HOOKLINE_API_TOKEN: TOKEN });
    env = { HOOKLINE_URL: node.url, HOOKLINE_API_TOKEN: TOKEN };
    const once = { max_attempts: 1 };
    assert.equal((await api('PUT', '/api/v1/endpoints/books', { url: `${receiver.url}/books`, subscriptions: ['invoice.*'] })).status, 201);
    assert.equal((await api('PUT', '/api/v1/endpoints/flaky', { url: `${receiver.url}/flaky`, subscriptions: ['invoice.*'], retry_policy: once })).status, 201);
  });
  after(async () => {
    node.child.kill('SIGTERM');
    await node.exited;
    await receiver.close();
    await db.drop();
  });

  test('publish prints the id; get events lists and shows them; replay shows its count and sends only with --yes', async () => {
    const since = new Date(Date.now() - 1_000).toISOString();
    const first = await runCli(['publish', 'invoice.paid', '-d', '{"invoice": "in_1"}', '--id', 'evt-cli-1'], env);
    assert.deepEqual([first.code, first.stdout], [0, 'evt-cli-1\n'], first.stderr);
    const again = await runCli(['publish', 'invoice.paid', '-d', '{"invoice": "in_1"}', '--id', 'evt-cli-1'], env);
    assert.equal(again.stdout, 'evt-cli-1 (published before: nothing sent again)\n');
    const missing = await runCli(['publish', 'invoice.paid'], env);
    assert.equal(missing.code, 2);

    await waitUntil(async () => {
      const shown = await runCli(['get', 'event', 'evt-cli-1', '-o', 'json'], env);
      return JSON.parse(shown.stdout).status === 'failed';
    }, 10_000, 'the event to end');
    const listed = await runCli(['get', 'events', '--type', 'invoice.paid'], env);
    assert.match(listed.stdout, /^ID\s+TYPE\s+NAMESPACE\s+STATUS\s+CREATED\n/);
    assert.match(listed.stdout, /evt-cli-1\s+invoice\.paid\s+default\s+failed/);
    const wide = await runCli(['get', 'event', 'evt-cli-1', '-o', 'wide'], env);
    assert.match(wide.stdout, /books:succeeded,flaky:failed/);

    const counted = await runCli(['replay', '--endpoint', 'flaky', '--since', since], env);
    assert.deepEqual([counted.code, counted.stdout], [0, 'would send 1 delivery (1 again)\nadd --yes to send them\n'], counted.stderr);
    flakyUp = true;
    const sent = await runCli(['replay', '--endpoint', 'flaky', '--since', since, '--yes'], env);
    assert.equal(sent.stdout, 'would send 1 delivery (1 again)\nsent 1 delivery (1 again)\n');
    await waitUntil(() => receiver.requests.filter((r) => r.path === '/flaky').length === 2, 10_000, 'the replayed delivery');
    const none = await runCli(['replay', '--endpoint', 'flaky', '--since', since, '--yes'], env);
    assert.equal(none.stdout, 'would send 0 deliveries (0 again)\n');

    const paused = await runCli(['endpoints', 'pause', 'flaky'], env);
    assert.equal(paused.stdout, 'endpoint flaky paused\n');
    const endpoints = await runCli(['get', 'endpoints'], env);
    assert.match(endpoints.stdout, /flaky\s+POST\s+\S+\s+paused/);
    assert.equal((await runCli(['endpoints', 'resume', 'flaky'], env)).stdout, 'endpoint flaky active\n');
  });
});
