import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { openSideDatabase } from '../support/side-database.js';
import pg from 'pg';
import { startNode } from '../support/harness.js';
import { KEY, hookUrl } from '../support/hooks.js';
import { createJob, waitForExecution } from '../support/jobs.js';
import { startReceiver } from '../support/receiver.js';
import { POSTGRES_URL, STORE_KINDS, type TestDatabase } from '../support/stores.js';
import { openStore } from '../../src/store/open-store.js';
import { openPostgresDriver } from '../../src/store/postgres/postgres-driver.js';
import { isStoreUnavailable } from '../../src/store/store-unavailable.js';

const sqlite = STORE_KINDS.find((k) => k.name === 'sqlite')!;
/** GitHub gives up on a hook after 10 s; a busy store answers well within that. */
const ANSWER_LIMIT_MS = 2500;

async function timed(url: string, init: RequestInit): Promise<{ status: number; ms: number; retryAfter: string | null }> {
  const started = performance.now();
  const res = await fetch(url, init);
  await res.arrayBuffer();
  return { status: res.status, ms: performance.now() - started, retryAfter: res.headers.get('retry-after') };
}

const postgres = STORE_KINDS.find((k) => k.name === 'postgres')!;

describe('store faults', () => {
  test('PostgreSQL: a statement the server refuses as malformed fails as it is, not as the store unavailable (which callers would retry for ever)', async () => {
    const driver = openPostgresDriver({ url: POSTGRES_URL });
    try {
      // One placeholder, no value: the server answers 08P01, a protocol violation, in the connection class.
      const failed = await driver.query('SELECT CAST(? AS INTEGER) AS n', []).then(() => undefined, (err: unknown) => err);
      assert.ok(failed instanceof Error, 'the statement fails');
      assert.equal((failed as { code?: string }).code, '08P01');
      assert.equal(isStoreUnavailable(failed), false);
      const lost = await driver.query('SELECT pg_terminate_backend(pg_backend_pid())').then(() => undefined, (err: unknown) => err);
      assert.equal(isStoreUnavailable(lost), true, 'a connection ended by the server is the store unavailable');
    } finally {
      await driver.close();
    }
  });

  test('SQLite: calls sent while the store thread starts wait for it, and are not refused as if they had waited behind a lock', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookline-start-'));
    // A busy timeout far shorter than the thread takes to start (it loads its modules first).
    const store = await openStore({ database: join(dir, 'hookline.db'), busyTimeoutMs: 10 });
    try {
      assert.deepEqual(await store.listJobs(1), []);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('SQLite, another process holding the write lock: every write is answered 503 + Retry-After within 2.5 s, none 2xx, and the node drains once the lock is gone', async () => {
    const db = sqlite.create();
    const receiver = await startReceiver();
    const node = await startNode(db);
    const holder = openSideDatabase(db.file!);
    try {
      await createJob(node, { id: 'locked', triggers: [{ type: 'webhook', key: KEY }], webhook: { url: receiver.url } });
      holder.exec('BEGIN IMMEDIATE');
      const json = { 'content-type': 'application/json' };
      const calls = [
        ...Array.from({ length: 12 }, () => timed(`${node.url}/api/v1/jobs/locked/trigger`, { method: 'POST', headers: json, body: '{}' })),
        ...Array.from({ length: 12 }, () => timed(`${node.url}${hookUrl('default', 'locked')}`, { method: 'POST', headers: json, body: '{}' })),
        ...Array.from({ length: 6 }, (_, i) => timed(`${node.url}/api/v1/jobs/other-${i}`, { method: 'PUT', headers: json, body: JSON.stringify({ webhook: { url: receiver.url } }) })),
      ];
      const answers = await Promise.all(calls);
      for (const a of answers) {
        assert.equal(a.status, 503, JSON.stringify(a));
        assert.ok(Number(a.retryAfter) > 0, 'Retry-After is set');
        assert.ok(a.ms < ANSWER_LIMIT_MS, `answered after ${Math.round(a.ms)} ms`);
      }
      holder.exec('ROLLBACK');

      // Nothing was half-written, and the node works again at once.
      assert.deepEqual((await node.api('GET', '/api/v1/jobs/locked/executions')).body.items, []);
      assert.equal((await node.api('GET', '/api/v1/jobs/other-0')).status, 404);
      const after = await node.api('POST', '/api/v1/jobs/locked/trigger', {});
      assert.equal(after.status, 202);
      assert.equal((await waitForExecution(node, 'locked', after.body.id)).status, 'succeeded');
    } finally {
      holder.close();
      await node.close();
      await receiver.close();
      await db.drop();
    }
  });

  test('SQLite on a full filesystem: writes are answered 503, the node keeps running and reads keep working, and it takes writes again once there is room', { skip: userInfo().uid !== 0 && 'mounting a small tmpfs needs root' }, async () => {
    const mount = mkdtempSync(join(tmpdir(), 'hookline-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', mount]);
    const file = join(mount, 'hookline.db');
    const db: TestDatabase = { kind: 'sqlite', database: file, file, drop: async () => undefined };
    const receiver = await startReceiver();
    const node = await startNode(db);
    try {
      await createJob(node, { id: 'full', webhook: { url: receiver.url } });
      // Fill what is left of the filesystem, leaving the database no room to grow.
      const filler = join(mount, 'filler');
      try {
        execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=64k'], { stdio: 'ignore' });
      } catch {
        /* dd stops when the disk is full */
      }
      const big = { webhook: { url: receiver.url, body: 'x'.repeat(512 * 1024) } };
      let status = 0;
      for (let i = 0; i < 20 && status !== 503; i++) status = (await node.api('PUT', `/api/v1/jobs/big-${i}`, big)).status;
      assert.equal(status, 503, 'a write the disk cannot hold is answered 503');
      const res = await node.api('PUT', '/api/v1/jobs/big-x', big);
      assert.equal(res.status, 503);
      assert.equal(res.body.error.code, 'STORE_UNAVAILABLE');
      assert.ok(Number(res.headers.get('retry-after')) > 0);
      assert.equal((await node.api('GET', '/api/v1/jobs/full')).status, 200, 'reads still work');
      assert.equal((await fetch(`${node.url}/healthz`)).status, 200);

      rmSync(filler);
      const again = await node.api('PUT', '/api/v1/jobs/after', { webhook: { url: receiver.url } });
      assert.equal(again.status, 201, again.text);
    } finally {
      await node.close();
      await receiver.close();
      execFileSync('umount', [mount]);
      rmSync(mount, { recursive: true, force: true });
    }
  });

  test('PostgreSQL, another session locking the tables: writes are answered 503 + Retry-After within 2.5 s, and the node drains once the lock is gone', async () => {
    const db = postgres.create();
    const receiver = await startReceiver();
    const node = await startNode(db);
    const holder = new pg.Client(db.database);
    await holder.connect();
    try {
      await createJob(node, { id: 'locked', triggers: [{ type: 'webhook', key: KEY }], webhook: { url: receiver.url } });
      await holder.query('BEGIN');
      await holder.query(`LOCK TABLE ${db.schema}.executions, ${db.schema}.invocations, ${db.schema}.jobs IN EXCLUSIVE MODE`);
      const json = { 'content-type': 'application/json' };
      const answers = await Promise.all([
        ...Array.from({ length: 6 }, () => timed(`${node.url}/api/v1/jobs/locked/trigger`, { method: 'POST', headers: json, body: '{}' })),
        ...Array.from({ length: 6 }, () => timed(`${node.url}${hookUrl('default', 'locked')}`, { method: 'POST', headers: json, body: '{}' })),
        timed(`${node.url}/api/v1/jobs/other`, { method: 'PUT', headers: json, body: JSON.stringify({ webhook: { url: receiver.url } }) }),
      ]);
      for (const a of answers) {
        assert.equal(a.status, 503, JSON.stringify(a));
        assert.ok(Number(a.retryAfter) > 0);
        assert.ok(a.ms < ANSWER_LIMIT_MS, `answered after ${Math.round(a.ms)} ms`);
      }
      await holder.query('ROLLBACK');
      assert.deepEqual((await node.api('GET', '/api/v1/jobs/locked/executions')).body.items, []);
      const after = await node.api('POST', '/api/v1/jobs/locked/trigger', {});
      assert.equal(after.status, 202);
      assert.equal((await waitForExecution(node, 'locked', after.body.id)).status, 'succeeded');
    } finally {
      await holder.end();
      await node.close();
      await receiver.close();
      await db.drop();
    }
  });
});
