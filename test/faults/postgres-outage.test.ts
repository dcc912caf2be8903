import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { openPostgresDriver } from '../../src/store/postgres/postgres-driver.js';
import { StoreUnavailableError } from '../../src/store/store-unavailable.js';
import { KEY, hookUrl } from '../support/hooks.js';
import { sleep, startLoad } from '../support/load.js';
import { startOwnPostgres, type OwnPostgres } from '../support/own-postgres.js';
import { killAll, spawnServe, type NodeProcess } from '../support/process.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { waitUntil } from '../support/wait.js';

/** What a load call saw: the status, Retry-After, and the execution it started. */
interface Answer {
  status: number;
  retryAfter: string | null;
  execution?: string;
}

async function call(url: string, init: RequestInit): Promise<Answer> {
  const res = await fetch(url, init).catch((err: Error) => ({ status: 0, headers: new Headers(), json: async () => ({ err: err.message }) }));
  const body = (await res.json().catch(() => ({}))) as { id?: string };
  return { status: res.status, retryAfter: res.headers.get('retry-after'), execution: res.status < 300 ? body.id : undefined };
}

/** Ends every connection Hookline has open to its database, as an operator or a failover does. */
async function terminateBackends(server: OwnPostgres): Promise<number> {
  const admin = new pg.Client(server.url);
  await admin.connect();
  try {
    const { rowCount } = await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'postgres' AND pid <> pg_backend_pid() AND backend_type = 'client backend'`);
    return rowCount ?? 0;
  } finally {
    await admin.end();
  }
}

describe('PostgreSQL outages', () => {
  let server: OwnPostgres;
  let receiver: Receiver;
  let node: NodeProcess | undefined;
  let dir: string;

  before(async () => {
    server = await startOwnPostgres();
    receiver = await startReceiver();
    dir = mkdtempSync(join(tmpdir(), 'hookline-pg-outage-'));
    // Short leases, so that a call whose outcome could not be recorded is made again soon; the
    // namespace's limit raised like the hook's, so that a fast machine's load is not answered 429.
    writeFileSync(
      join(dir, 'hookline.yaml'),
      'worker:\n  lease_margin: 2s\n  poll_interval: 100ms\negress:\n  allow: [127.0.0.0/8]\nhooks:\n  rate_limit:\n    per_namespace: 1000000\n',
    );
  });
  after(async () => {
    if (node) await killAll([node]);
    await receiver.close();
    await server.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  test('backends terminated under load, then a restarted server: the node lives, answers 503 meanwhile, and loses nothing accepted', { timeout: 120_000 }, async () => {
    node = await spawnServe(['--config', join(dir, 'hookline.yaml')], { DATABASE_URL: server.url });
    const job = { id: 'outage', triggers: [{ type: 'webhook', key: KEY, rate_limit: { requests: 1_000_000, per: '1m' } }], webhook: { url: `${receiver.url}/hit`, body: { n: '{{ trigger.body.n }}' } } };
    assert.equal((await node.api('PUT', '/api/v1/jobs/outage', job)).status, 201);
    const json = { 'content-type': 'application/json' };
    const triggers = startLoad((n) => call(`${node!.url}/api/v1/jobs/outage/trigger`, { method: 'POST', headers: json, body: JSON.stringify({ n }) }), { workers: 3, maxCalls: 20_000 });
    const hooks = startLoad((n) => call(`${node!.url}${hookUrl('default', 'outage')}`, { method: 'POST', headers: json, body: JSON.stringify({ n }) }), { workers: 1, maxCalls: 20_000 });

    let terminated = 0;
    for (let round = 0; round < 8; round++) {
      await sleep(400);
      terminated += await terminateBackends(server);
    }
    await sleep(300);
    await server.stop('fast');
    await sleep(1500);
    await server.start();
    await sleep(1500);
    const answers = [...(await triggers.stop()), ...(await hooks.stop())];

    assert.equal(node.child.exitCode, null, `the node is still running; output:\n${node.output().slice(-2000)}`);
    assert.ok(terminated >= 8, `backends were terminated (${terminated})`);
    const statuses = new Map<number, number>();
    for (const a of answers) statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
    const allowed = [200, 202, 503];
    assert.deepEqual([...statuses.keys()].filter((s) => !allowed.includes(s)), [], `only 2xx and 503: ${JSON.stringify([...statuses])}`);
    assert.ok((statuses.get(503) ?? 0) > 0, 'calls made while the server was down were answered 503');
    for (const a of answers.filter((x) => x.status === 503)) assert.ok(Number(a.retryAfter) > 0, 'a 503 says when to come back');

    // Every execution the node accepted reaches the receiver.
    const accepted = new Set(answers.flatMap((a) => (a.execution ? [a.execution] : [])));
    assert.ok(accepted.size > 50, `load was accepted around the outages (${accepted.size})`);
    const delivered = () => new Set(receiver.requests.map((r) => r.headers['x-hookline-execution-id']));
    await waitUntil(() => [...accepted].every((id) => delivered().has(id)), 60_000, () => `every accepted execution delivered; missing ${[...accepted].filter((id) => !delivered().has(id)).length} of ${accepted.size}`);
    const health = await fetch(`${node.url}/healthz`);
    assert.equal(health.status, 200);
  });
});

describe('PostgreSQL: a backend terminated inside a transaction', () => {
  test('the transaction fails as StoreUnavailableError, nothing of it is written, the process lives, and the next transaction works', async () => {
    const server = await startOwnPostgres();
    const driver = openPostgresDriver({ url: server.url, poolSize: 2 });
    try {
      await driver.script('CREATE TABLE t (n INTEGER)');
      let inside!: () => void;
      const entered = new Promise<void>((resolve) => (inside = resolve));
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const tx = driver.transaction(async (t) => {
        await t.execute('INSERT INTO t (n) VALUES (1)');
        inside();
        await held; // the connection sits idle in its transaction, checked out of the pool
        await t.execute('INSERT INTO t (n) VALUES (2)');
      });
      const failed = tx.then(() => undefined, (err: unknown) => err);
      await entered;
      assert.ok((await terminateBackends(server)) >= 1);
      await sleep(200); // the terminated connection reports its error while nothing waits on it
      release();
      const err = await failed;
      assert.ok(err instanceof StoreUnavailableError, `the transaction failed as unavailable: ${String(err)}`);
      assert.deepEqual(await driver.query('SELECT n FROM t'), [], 'nothing of it was written');
      await driver.transaction((t) => t.execute('INSERT INTO t (n) VALUES (3)'));
      assert.deepEqual(await driver.query('SELECT n FROM t'), [{ n: 3 }]);
    } finally {
      await driver.close();
      await server.destroy();
    }
  });
});
