import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli, spawnServe } from '../support/process.js';
import { startReceiver } from '../support/receiver.js';
import { STORE_KINDS } from '../support/stores.js';

const sqlite = STORE_KINDS.find((k) => k.name === 'sqlite')!;

describe('start-up faults', () => {
  test('a node whose port is taken exits non-zero with one clear line, having started no work', async () => {
    const db = sqlite.create();
    const receiver = await startReceiver();
    const squatter = createServer();
    try {
      // A pending execution waits in the database: a node that started its worker would call the receiver.
      const apiOnly = await spawnServe(['--db', db.file!], { HOOKLINE_ROLES: 'api' });
      await apiOnly.api('PUT', '/api/v1/jobs/waiting', { webhook: { url: receiver.url } });
      assert.equal((await apiOnly.api('POST', '/api/v1/jobs/waiting/trigger')).status, 202);
      apiOnly.child.kill('SIGTERM');
      assert.equal(await apiOnly.exited, 0);

      await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
      const port = (squatter.address() as { port: number }).port;
      const started = Date.now();
      const res = await runCli(['serve', '--port', String(port), '--db', db.file!], { HOOKLINE_EGRESS_ALLOW: '127.0.0.0/8' });
      assert.equal(res.code, 1);
      assert.ok(Date.now() - started < 10_000, 'it exits at once');
      const lines = res.stderr.trim().split('\n');
      assert.equal(lines.length, 1, `one line: ${res.stderr}`);
      assert.match(lines[0], new RegExp(`^hookline: cannot listen on 127\\.0\\.0\\.1:${port}: the port is already in use`));
      assert.doesNotMatch(res.stdout, /hookline is serving/);
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(receiver.requests.length, 0, 'no call was made: the worker never started');
    } finally {
      squatter.close();
      await receiver.close();
      await db.drop();
    }
  });

  test('a SQLite file in a folder this user cannot write: one line naming the path, why, and what to do', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookline-readonly-'));
    // As root every folder is writable: a read-only file system stands in for a folder owned by another user.
    const root = process.getuid?.() === 0;
    if (root) execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', dir]);
    else chmodSync(dir, 0o555);
    try {
      const file = join(dir, 'hookline.db');
      const res = await runCli(['serve', '--port', '0', '--db', file]);
      assert.equal(res.code, 1);
      const lines = res.stderr.trim().split('\n');
      assert.equal(lines.length, 1, `one line: ${res.stderr}`);
      assert.match(lines[0], new RegExp(`^hookline: cannot open the SQLite file ${file}: the folder ${dir} is (not writable|on a read-only file system) .*-wal.*HOOKLINE_DB`));
      assert.doesNotMatch(res.stderr, /undefined/);
    } finally {
      if (root) execFileSync('umount', [dir]);
      else chmodSync(dir, 0o755);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
