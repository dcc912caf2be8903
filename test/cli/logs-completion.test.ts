import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { BIN, runCli, spawnServe, type NodeProcess } from '../support/process.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { STORE_KINDS, type TestDatabase } from '../support/stores.js';
import { waitUntil } from '../support/wait.js';

const TOKEN = 'logs-test-token';

describe('the CLI: logs, wide and name output, shell completion', () => {
  let db: TestDatabase;
  let node: NodeProcess;
  let receiver: Receiver;
  let env: Record<string, string>;
  let calls = 0;
  before(async () => {
    db = STORE_KINDS[0].create();
    // The flaky endpoint fails twice, then answers 200.
    receiver = await startReceiver((req, res) => void res.writeHead(req.path === '/flaky' && ++calls <= 2 ? 503 : 200).end());
    node = await spawnServe(['--db', db.file!], { HOOKLINE_API_TOKEN: TOKEN });
    env = { HOOKLINE_URL: node.url, HOOKLINE_API_TOKEN: TOKEN };
    const put = (path: string, body: unknown) => fetch(node.url + path, { method: 'PUT', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal((await put('/api/v1/jobs/flaky', { retry_policy: { max_attempts: 3, initial_interval: '100ms' }, webhook: { url: `${receiver.url}/flaky` } })).status, 201);
    assert.equal((await put('/api/v1/jobs/quiet', { namespace: 'other', webhook: { url: `${receiver.url}/ok`, timeout: '5s' } })).status, 201);
  });
  after(async () => {
    node.child.kill('SIGTERM');
    await node.exited;
    await receiver.close();
    await db.drop();
  });

  test('logs -f prints each execution, each attempt and how it ended as they happen; logs alone prints what was and exits', async () => {
    const follower = spawn(process.execPath, [BIN, 'logs', '-f', '--job', 'flaky'], { env: { ...process.env, ...env } });
    let out = '';
    follower.stdout.on('data', (c) => (out += c));
    follower.stderr.on('data', (c) => (out += c));
    try {
      // Started after the follower, so every line comes from its following.
      await new Promise((r) => setTimeout(r, 1500));
      const started = await runCli(['trigger', 'flaky'], env);
      const id = started.stdout.trim();
      assert.match(id, /^[0-9a-f-]{36}$/);
      await runCli(['trigger', 'quiet'], env);
      await waitUntil(() => out.includes('succeeded after 3 attempts'), 15_000);
      const lines = out.trimEnd().split('\n');
      const tail = (line: string) => line.replace(/^\S+ /, '');
      assert.deepEqual(lines.map(tail), [
        `flaky ${id} started (manual)`,
        `flaky ${id} attempt 1 POST ${receiver.url}/flaky -> 503 in ${/\d+/.exec(lines[1].split(' in ')[1])![0]}ms (HTTP 503)`,
        `flaky ${id} attempt 2 POST ${receiver.url}/flaky -> 503 in ${/\d+/.exec(lines[2].split(' in ')[1])![0]}ms (HTTP 503)`,
        `flaky ${id} attempt 3 POST ${receiver.url}/flaky -> 200 in ${/\d+/.exec(lines[3].split(' in ')[1])![0]}ms`,
        `flaky ${id} succeeded after 3 attempts`,
      ]);
      const times = lines.map((l) => Date.parse(l.split(' ')[0]));
      assert.deepEqual([...times].sort((a, b) => a - b), times, 'oldest first');
    } finally {
      follower.kill('SIGINT');
    }

    const past = await runCli(['logs', '--since', '1h'], env);
    assert.equal(past.code, 0, past.stderr);
    assert.match(past.stdout, /flaky \S+ succeeded after 3 attempts/);
    assert.match(past.stdout, /quiet \S+ attempt 1 POST \S+\/ok -> 200/);
    const other = await runCli(['logs', '--namespace', 'other', '--since', '1h'], env);
    assert.doesNotMatch(other.stdout, /flaky/);
    // More executions than one page of the listing: every one is shown.
    const headers = { authorization: `Bearer ${TOKEN}` };
    for (let i = 0; i < 120; i++) assert.equal((await fetch(`${node.url}/api/v1/jobs/quiet/trigger`, { method: 'POST', headers })).status, 202);
    const many = await runCli(['logs', '--job', 'quiet', '--since', '1h'], env);
    assert.equal(many.stdout.match(/ started \(manual\)$/gm)?.length, 121);
    const wrong = await runCli(['logs', '--since', 'yesterday'], env);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /--since yesterday: a duration such as 10m or 2h, or an RFC 3339 time/);
  });

  test('-o wide adds columns; -o name prints the names alone', async () => {
    const wide = await runCli(['get', 'jobs', '-o', 'wide'], env);
    assert.equal(wide.code, 0, wide.stderr);
    assert.match(wide.stdout.split('\n')[0], /^ID\s+NAMESPACE\s+SCHEDULE\s+ENABLED\s+NEXT RUN\s+HOOKS\s+AGE\s+LAST RUN\s+CALLS$/);
    assert.match(wide.stdout, new RegExp(`quiet .*${receiver.url}/ok`));
    const names = await runCli(['get', 'jobs', '-o', 'name'], env);
    assert.equal(names.stdout, 'flaky\nquiet\n');
  });

  test('completion bash completes verbs, options, kinds and job names from the server', async () => {
    const script = await runCli(['completion', 'bash'], env);
    assert.equal(script.code, 0, script.stderr);
    const complete = async (...words: string[]) => {
      const program = [
        `hookline() { "${process.execPath}" "${BIN}" "$@"; }`,
        script.stdout,
        `COMP_WORDS=(hookline ${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length}; _hookline; printf '%s\\n' "\${COMPREPLY[@]}"`,
      ].join('\n');
      const { stdout } = await promisify(execFile)('bash', ['-c', program], { env: { ...process.env, ...env } });
      return stdout.trim().split('\n').sort();
    };
    assert.deepEqual(await complete('ge'), ['get']);
    assert.deepEqual(await complete('get', 'ex'), ['executions']);
    assert.deepEqual(await complete('get', 'jobs', '--na'), ['--namespace']);
    assert.deepEqual(await complete('get', 'jobs', '-o', 'w'), ['wide']);
    assert.deepEqual(await complete('trigger', ''), ['flaky', 'quiet']);
    assert.deepEqual(await complete('hooks', 'd'), ['disable']);
    const zsh = await runCli(['completion', 'zsh'], env);
    assert.match(zsh.stdout, /^autoload -U \+X bashcompinit && bashcompinit\n/);
    const fish = await runCli(['completion', 'fish'], env);
    assert.equal(fish.code, 2);
    assert.match(fish.stderr, /completion fish: one of bash, zsh/);
  });
});
