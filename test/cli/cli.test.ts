import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { VERSION } from '../../src/version.js';
import { runCli, spawnServe, type NodeProcess } from '../support/process.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { STORE_KINDS } from '../support/stores.js';
import { waitUntil } from '../support/wait.js';

const [sqlite, postgres] = STORE_KINDS;

/** Writes a hookline.yaml in a fresh temporary folder and returns its path. */
function writeConfig(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'hookline-cfg-')), 'hookline.yaml');
  writeFileSync(file, text);
  return file;
}

/**
 * Starts a node on a SQLite file, makes one call of job `id` reach the receiver, SIGTERMs the node
 * (which must exit 0), then hands `check` a fresh node on the same file and the execution id.
 */
async function stopMidCall(
  id: string,
  receiver: Receiver,
  extraArgs: string[],
  check: (after: NodeProcess, executionId: string) => Promise<void>,
): Promise<void> {
  const db = sqlite.create();
  const args = ['--db', db.file!];
  try {
    const node = await spawnServe([...args, ...extraArgs]);
    await node.api('POST', '/api/v1/jobs', { id, webhook: { url: receiver.url } });
    const { body } = await node.api('POST', `/api/v1/jobs/${id}/trigger`);
    await receiver.waitFor(1);
    node.child.kill('SIGTERM');
    assert.equal(await node.exited, 0);
    const after = await spawnServe(args);
    try {
      await check(after, body.id);
    } finally {
      after.child.kill('SIGTERM');
      await after.exited;
    }
  } finally {
    await receiver.close();
    await db.drop();
  }
}

describe('hookline command line', () => {
  test('--version and --help', async () => {
    const version = await runCli(['--version']);
    assert.equal(version.code, 0);
    assert.equal(version.stdout.trim(), VERSION);
    const help = await runCli(['--help']);
    assert.equal(help.code, 0);
    for (const word of ['serve', '--port', '--host', '--db', '--config', 'HOOKLINE_API_TOKEN', 'DATABASE_URL']) assert.ok(help.stdout.includes(word), word);
    const wrong = await runCli(['launch']);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /unknown command/);
  });

  test('serve --db makes the SQLite file; a config file and HOOKLINE_* variables set the rest', async () => {
    const db = sqlite.create();
    const config = join(db.file!, '..', 'hookline.yaml');
    writeFileSync(config, 'log_level: warn\napi_token: from-file\nworker:\n  concurrency: 4\n');
    const node = await spawnServe(['--db', db.file!, '--config', config], { HOOKLINE_API_TOKEN: 'from-env', HOOKLINE_LOG_LEVEL: '' });
    try {
      assert.equal((await node.api('GET', '/api/v1/jobs')).status, 401);
      const ok = await fetch(`${node.url}/api/v1/jobs`, { headers: { authorization: 'Bearer from-env' } });
      assert.equal(ok.status, 200, 'the environment wins over the file');
      assert.ok(!node.output().includes('"level":30'), 'log_level from the file applies');
    } finally {
      node.child.kill('SIGTERM');
      assert.equal(await node.exited, 0);
      await db.drop();
    }
  });

  test('a bad configuration stops start-up with a message naming the key', async () => {
    const res = await runCli(['serve', '--port', 'eighty', '--db', ':memory:']);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /port/);
  });

  test('a SQLite file that cannot be opened stops start-up with the reason', async () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'hookline-db-')), 'no-such-folder', 'hookline.db');
    const res = await runCli(['serve', '--port', '0', '--db', missing]);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /^hookline: cannot open the SQLite file .*hookline\.db: the folder .*no-such-folder does not exist; create it/);
  });

  test('DATABASE_URL runs the same server on PostgreSQL', async () => {
    const db = postgres.create();
    const receiver = await startReceiver();
    const config = join(sqlite.create().file!, '..', 'pg.yaml');
    writeFileSync(config, `database_schema: ${db.schema}\n`);
    const node = await spawnServe(['--config', config], { DATABASE_URL: db.database });
    try {
      await waitUntil(() => /"store":"postgres"/.test(node.output()), 5_000, 'the node to say it serves from PostgreSQL');
      assert.equal((await node.api('POST', '/api/v1/jobs', { id: 'pg', webhook: { url: receiver.url } })).status, 201);
      assert.equal((await node.api('POST', '/api/v1/jobs/pg/trigger')).status, 202);
      await receiver.waitFor(1);
    } finally {
      node.child.kill('SIGTERM');
      await node.exited;
      await receiver.close();
      await db.drop();
    }
  });

  test('SIGTERM stops claiming and lets an in-flight call finish within the grace period', async () => {
    const receiver = await startReceiver((_req, res) => new Promise((resolve) => setTimeout(() => resolve(void res.writeHead(200).end('done')), 700)));
    await stopMidCall('slow', receiver, [], async (after, executionId) => {
      const e = await after.api('GET', `/api/v1/jobs/slow/executions/${executionId}`);
      assert.equal(e.body.status, 'succeeded');
      assert.equal(receiver.requests.length, 1);
    });
  });

  test('a call still running when the grace period ends is released and made again by the next start', async () => {
    const receiver = await startReceiver((req, res) => (req.n === 1 ? new Promise(() => {}) : void res.writeHead(200).end()));
    const args = ['--config', writeConfig('worker:\n  shutdown_grace: 200ms\n')];
    await stopMidCall('hung', receiver, args, async (after, executionId) => {
      const path = `/api/v1/jobs/hung/executions/${executionId}`;
      await waitUntil(async () => (await after.api('GET', path)).body.status === 'succeeded', 10_000, 'the released call');
      assert.equal((await after.api('GET', path)).body.attempts, 1, 'a released attempt is not counted');
      assert.equal(receiver.requests.length, 2);
    });
  });
});
