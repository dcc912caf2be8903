import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { runCli, spawnServe, type NodeProcess } from '../support/process.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { STORE_KINDS, type TestDatabase } from '../support/stores.js';

const TOKEN = 'cli-test-token';

describe('the CLI: verbs over the API', () => {
  let db: TestDatabase;
  let node: NodeProcess;
  let receiver: Receiver;
  let env: Record<string, string>;
  before(async () => {
    db = STORE_KINDS[0].create();
    receiver = await startReceiver((req, res) => void res.writeHead(req.path === '/fail' ? 500 : 200).end());
    node = await spawnServe(['--db', db.file!], { HOOKLINE_API_TOKEN: TOKEN });
    env = { HOOKLINE_URL: node.url, HOOKLINE_API_TOKEN: TOKEN };
    const put = (path: string, body: unknown) => fetch(node.url + path, { method: 'PUT', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal((await put('/api/v1/jobs/nightly', { namespace: 'ops', schedule: { cron: '0 2 * * *', timezone: 'Europe/Berlin' }, webhook: { url: `${receiver.url}/ok` }, triggers: [{ type: 'webhook' }] })).status, 201);
    assert.equal((await put('/api/v1/jobs/broken', { retry_policy: { max_attempts: 1 }, webhook: { url: `${receiver.url}/fail` } })).status, 201);
    assert.equal((await put('/api/v1/endpoints/slack', { url: `${receiver.url}/slack` })).status, 201);
  });
  after(async () => {
    node.child.kill('SIGTERM');
    await node.exited;
    await receiver.close();
    await db.drop();
  });

  test('trigger --wait follows an execution to its end: exit 0 when it succeeded, 1 when it failed', async () => {
    const data = join(mkdtempSync(join(tmpdir(), 'hookline-cli-')), 'data.json');
    writeFileSync(data, '{"reason": "from a file"}');
    const ok = await runCli(['trigger', 'nightly', '--data', `@${data}`, '--wait'], env);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^[0-9a-f-]{36} succeeded after 1 attempt\n$/);
    // Each attempt is printed as it ends, on standard error.
    assert.match(ok.stderr, /^[0-9a-f-]{36} started\n\S+ attempt 1 POST http:\/\/127\.0\.0\.1:\d+\/\S* -> 200 in \d+ms\n$/);
    const failed = await runCli(['trigger', 'broken', '--wait'], env);
    assert.equal(failed.code, 1);
    assert.match(failed.stdout, /failed after 1 attempt: HTTP 500/);
    assert.match(failed.stderr, /attempt 1 POST \S+\/fail -> 500 in \d+ms \(HTTP 500\)/);
    const plain = await runCli(['trigger', 'nightly', '-d', '{"x": 1}'], env);
    assert.equal(plain.code, 0);
    assert.match(plain.stdout, /^[0-9a-f-]{36}\n$/);
  });

  test('get lists as a table, JSON or YAML, with the API\'s filters; get one by its id', async () => {
    const table = await runCli(['get', 'jobs'], env);
    assert.equal(table.code, 0, table.stderr);
    const [heading, ...rows] = table.stdout.trimEnd().split('\n');
    assert.match(heading, /^ID\s+NAMESPACE\s+SCHEDULE\s+ENABLED\s+NEXT RUN\s+HOOKS\s+AGE$/);
    assert.deepEqual(rows.map((r) => r.split(/\s+/)[0]), ['broken', 'nightly']);
    assert.match(rows[1], /0 2 \* \* \* \(Europe\/Berlin\)/);

    const failed = await runCli(['get', 'executions', '--status', 'failed', '-o', 'json'], env);
    const items = JSON.parse(failed.stdout);
    assert.ok(items.length >= 1);
    assert.ok(items.every((e: { status: string; job_id: string }) => e.status === 'failed' && e.job_id === 'broken'));
    const one = await runCli(['get', 'execution', items[0].id, '-o', 'yaml'], env);
    assert.equal(parseYaml(one.stdout).id, items[0].id);
    assert.ok(Array.isArray(parseYaml(one.stdout).attempt_log));

    const endpoints = await runCli(['get', 'endpoints', '-o', 'yaml'], env);
    assert.equal(parseYaml(endpoints.stdout)[0].name, 'slack');

    // --since takes a duration ago as well as a time; an empty table says so.
    const recent = await runCli(['get', 'executions', '--since', '1h', '-o', 'json'], env);
    assert.ok(JSON.parse(recent.stdout).length >= 1, recent.stderr);
    assert.equal((await runCli(['get', 'executions', '--until', '1h'], env)).stdout, 'No executions found that the filters keep.\n');
    assert.equal((await runCli(['get', 'events'], env)).stdout, 'No events found.\n');
  });

  test('delete removes a job, an endpoint, an event type or a bin, and says why it would not', async () => {
    const made = await fetch(`${node.url}/api/v1/jobs/doomed`, { method: 'PUT', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ webhook: { url: receiver.url } }) });
    assert.equal(made.status, 201);
    assert.deepEqual(await runCli(['delete', 'job', 'doomed'], env).then((r) => [r.code, r.stdout]), [0, 'job doomed deleted\n']);
    const again = await runCli(['delete', 'jobs', 'doomed'], env);
    assert.deepEqual([again.code, again.stderr.includes('(404 NOT_FOUND)')], [1, true]);
    const hook = await runCli(['delete', 'hook', 'x'], env);
    assert.equal(hook.code, 2);
    assert.match(hook.stderr, /remove the trigger from the job/);
    assert.equal((await runCli(['delete', 'schedule', 'x'], env)).code, 2);
  });

  test('pause, resume, hooks disable and enable say what they did', async () => {
    assert.deepEqual(await runCli(['pause', 'nightly'], env).then((r) => [r.code, r.stdout]), [0, 'job nightly paused\n']);
    const resumed = await runCli(['resume', 'nightly'], env);
    assert.match(resumed.stdout, /^job nightly resumed, next run \d{4}-/);
    const hooks = JSON.parse((await runCli(['get', 'hooks', '--job', 'nightly', '-o', 'json'], env)).stdout);
    assert.equal((await runCli(['hooks', 'disable', hooks[0].id], env)).stdout, `hook ${hooks[0].id} disabled\n`);
    assert.equal((await runCli(['hooks', 'enable', hooks[0].id], env)).stdout, `hook ${hooks[0].id} active\n`);
  });

  test('describe shows an execution with its tasks and attempts; retry runs it again; test-webhook makes one call', async () => {
    const id = (await runCli(['trigger', 'broken', '--wait'], env)).stdout.split(' ')[0];
    const described = await runCli(['describe', 'execution', id], env);
    assert.equal(described.code, 0, described.stderr);
    assert.match(described.stdout, new RegExp(`^Execution:  ${id}\nJob:        broken \\(namespace default\\)\nStatus:     failed\n`));
    assert.match(described.stdout, /\nTasks:\n {2}webhook {2}failed {2}attempts 1\/1/);
    assert.match(described.stdout, /\nAttempts:\n {2}\S+ {2}webhook #1 {2}POST http:\/\/127\.0\.0\.1:\d+\/fail {2}HTTP 500 {2}\d+ ms\n/);
    const retried = await runCli(['retry', id], env);
    assert.equal(retried.code, 0, retried.stderr);
    assert.match(retried.stdout, new RegExp(`^execution ${id} \\w+: its failed and skipped tasks run again\n$`));

    const dir = mkdtempSync(join(tmpdir(), 'hookline-cli-'));
    writeFileSync(join(dir, 'ok.yaml'), `url: ${receiver.url}/ok\nmethod: POST\nbody: {hello: world}\n`);
    writeFileSync(join(dir, 'fail.json'), JSON.stringify({ webhook: { url: `${receiver.url}/fail` }, timeout: '5s' }));
    const ok = await runCli(['test-webhook', '-f', join(dir, 'ok.yaml')], env);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^success: HTTP 200 in \d+ ms\n/);
    const fail = await runCli(['test-webhook', '-f', join(dir, 'fail.json')], env);
    assert.equal(fail.code, 1);
    assert.match(fail.stdout, /^failure: HTTP 500 in \d+ ms\n/);
    assert.equal((await runCli(['describe', 'job', 'x'], env)).code, 2);
  });

  test('exit codes: 1 for what the server refused (with its message), 2 for a command written wrong, 3 for no server', async () => {
    const missing = await runCli(['get', 'job', 'no-such-job'], env);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, 'hookline: job no-such-job not found (404 NOT_FOUND)\n');
    const badFilter = await runCli(['get', 'executions', '--status', 'sleeping'], env);
    assert.equal(badFilter.code, 1);
    assert.match(badFilter.stderr, /status must be one of .* \(400 INVALID_INPUT, field status\)/);
    const noToken = await runCli(['get', 'jobs'], { HOOKLINE_URL: node.url, HOOKLINE_API_TOKEN: '' });
    assert.equal(noToken.code, 1);
    assert.match(noToken.stderr, /401 UNAUTHORIZED/);
    assert.equal((await runCli(['get', 'widgets'], env)).code, 2);
    assert.equal((await runCli(['get', 'jobs', '-o', 'xml'], env)).code, 2);
    assert.equal((await runCli(['frobnicate'], env)).code, 2);
    assert.equal((await runCli(['trigger', 'nightly', '--data', '{not json'], env)).code, 2);
    const gone = await runCli(['get', 'jobs'], { HOOKLINE_URL: 'http://127.0.0.1:9', HOOKLINE_API_TOKEN: TOKEN });
    assert.equal(gone.code, 3);
    assert.match(gone.stderr, /cannot reach http:\/\/127\.0\.0\.1:9/);
    const help = await runCli(['get', '--help'], env);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--status <status>/);
  });
});
