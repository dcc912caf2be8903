import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import { withNode } from '../support/fixture.js';
import { createJob, runToEnd, trigger, waitForExecution } from '../support/jobs.js';
import { STORE_KINDS } from '../support/stores.js';
import { waitUntil } from '../support/wait.js';

const KEPT = 64 * 1024;
const openFds = () => readdirSync('/proc/self/fd').length;

for (const kind of STORE_KINDS) {
  describe(`hostile receivers: ${kind.name}`, () => {
    test('a 200 MB answer is not read to its end: the connection is closed at 64 KiB and the attempt says truncated', async () => {
      let written = 0;
      let closed = false;
      await withNode(kind, {}, async ({ node, receiver }) => {
        receiver.respond((_req, res) => {
          res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(200 * 1024 * 1024) });
          const chunk = Buffer.alloc(64 * 1024, 'a');
          const pump = () => {
            while (written < 200 * 1024 * 1024 && !res.destroyed) {
              written += chunk.length;
              if (!res.write(chunk)) return void res.once('drain', pump);
            }
            res.end();
          };
          res.on('close', () => (closed = true));
          pump();
        });
        await createJob(node, { id: 'big', webhook: { url: receiver.url } });
        const e = await waitForExecution(node, 'big', await trigger(node, 'big'));
        assert.equal(e.status, 'succeeded');
        const attempt = e.attempt_log[0];
        assert.equal(attempt.status_code, 200);
        assert.equal(attempt.response_body_truncated, true);
        assert.equal(attempt.response_body.length, KEPT);
        await waitUntil(() => closed, 5000, 'the receiver to see its connection closed');
        assert.ok(written < 32 * 1024 * 1024, `the receiver wrote ${written} bytes before its connection was closed`);
      });
    });

    test('answers holding NUL bytes or bytes that are not UTF-8 are kept as their base64; retries stop at max_attempts', async () => {
      const bytes = Buffer.concat([Buffer.from('err\u0000or '), Buffer.from([0xff, 0xfe, 0x00, 0xc3])]);
      await withNode(kind, {}, async ({ node, receiver, clock }) => {
        receiver.respond((req, res) => void res.writeHead(req.path === '/ok' ? 200 : 500, { 'content-type': 'text/plain' }).end(bytes));
        await createJob(node, { id: 'nul', webhook: { url: `${receiver.url}/fail` }, retry_policy: { max_attempts: 2, initial_interval: '1s' } });
        const failed = await runToEnd(node, clock, 'nul', await trigger(node, 'nul'));
        assert.equal(failed.status, 'failed');
        assert.equal(failed.attempts, 2);
        assert.deepEqual(failed.attempt_log.map((a: any) => [a.status_code, a.response_body_encoding, Buffer.from(a.response_body, 'base64').equals(bytes)]), [[500, 'base64', true], [500, 'base64', true]]);
        // Nothing more is sent once the attempts are used up.
        clock.advance(120_000);
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(receiver.requests.length, 2);

        await createJob(node, { id: 'nul-ok', webhook: { url: `${receiver.url}/ok` } });
        const ok = await waitForExecution(node, 'nul-ok', await trigger(node, 'nul-ok'));
        assert.deepEqual([ok.status, ok.attempt_log[0].response_body_encoding, ok.attempt_log[0].response_body], ['succeeded', 'base64', bytes.toString('base64')]);

        // An event's delivery to such a receiver ends too.
        assert.equal((await node.api('POST', '/api/v1/endpoints', { name: 'nul-endpoint', url: `${receiver.url}/ok`, subscriptions: ['nul.*'] })).status, 201);
        const published = await node.api('POST', '/api/v1/events', { type: 'nul.x', payload: {} });
        await waitUntil(async () => (await node.api('GET', `/api/v1/events/${published.body.id}`)).body.status === 'succeeded', 10_000, 'the delivery to end');
      });
    });
  });
}

const sqlite = STORE_KINDS.find((k) => k.name === 'sqlite')!;

describe('a record the store refuses', () => {
  test('PostgreSQL refusing an attempt with its answer: the outcome is kept without it, and the receiver is called no more than max_attempts', async () => {
    const kind = STORE_KINDS.find((k) => k.name === 'postgres')!;
    await withNode(kind, {}, async ({ db, node, receiver, clock }) => {
      const client = new pg.Client(db.database);
      await client.connect();
      try {
        await client.query(`CREATE FUNCTION ${db.schema}.refuse_poison() RETURNS trigger AS $$ BEGIN
          IF NEW.response_body LIKE '%poison%' THEN RAISE EXCEPTION 'refused by a trigger'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`);
        await client.query(`CREATE TRIGGER refuse_poison BEFORE INSERT ON ${db.schema}.attempts FOR EACH ROW EXECUTE FUNCTION ${db.schema}.refuse_poison()`);
      } finally {
        await client.end();
      }
      receiver.respond((_req, res) => void res.writeHead(503).end('poison'));
      await createJob(node, { id: 'refused', webhook: { url: receiver.url }, retry_policy: { max_attempts: 3, initial_interval: '1s' } });
      const e = await runToEnd(node, clock, 'refused', await trigger(node, 'refused'));
      assert.equal(e.status, 'failed');
      assert.equal(e.attempts, 3);
      assert.ok(e.attempt_log.every((a: any) => a.response_body === null && /the answer could not be stored: refused by a trigger/.test(a.error)), JSON.stringify(e.attempt_log));
      clock.advance(600_000);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(receiver.requests.length, 3);
    });
  });
});

describe('hostile receivers', () => {
  test('a gzip bomb is kept as the bytes it came as, never inflated', async () => {
    const bomb = gzipSync(Buffer.alloc(100 * 1024 * 1024));
    await withNode(sqlite, {}, async ({ node, receiver }) => {
      receiver.respond((_req, res) => void res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'text/plain' }).end(bomb));
      await createJob(node, { id: 'bomb', webhook: { url: receiver.url } });
      const e = await waitForExecution(node, 'bomb', await trigger(node, 'bomb'));
      assert.equal(e.status, 'succeeded');
      // Not text: kept as the base64 of the bytes that came.
      assert.equal(e.attempt_log[0].response_body_encoding, 'base64');
      const body = Buffer.from(e.attempt_log[0].response_body, 'base64');
      assert.ok(body.length <= KEPT, `kept ${body.length} bytes`);
      assert.ok(body.equals(bomb.subarray(0, body.length)), 'the body is the gzip bytes as they came, never inflated');
      assert.equal(e.attempt_log[0].response_body_truncated, bomb.length > KEPT);
    });
  });

  test('a body trickled a byte a second is cut at the deadline', async () => {
    await withNode(sqlite, {}, async ({ node, receiver }) => {
      receiver.respond((_req, res) => {
        res.writeHead(200);
        const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write('x')), 1000);
        res.on('close', () => clearInterval(timer));
      });
      await createJob(node, { id: 'trickle', retry_policy: { max_attempts: 1 }, webhook: { url: receiver.url, timeout: '2s' } });
      const e = await waitForExecution(node, 'trickle', await trigger(node, 'trickle'));
      assert.equal(e.status, 'failed');
      const attempt = e.attempt_log[0];
      assert.equal(attempt.error_code, 'TIMEOUT');
      assert.ok(Math.abs(attempt.duration_ms - 2000) <= 1000, `cut after ${attempt.duration_ms} ms`);
    });
  });

  test('receivers that never answer: each call fails at its deadline, and no descriptor is left open after 100 of them', async () => {
    await withNode(sqlite, {}, async ({ node, receiver }) => {
      receiver.respond(() => new Promise(() => {}));
      await createJob(node, { id: 'silent', retry_policy: { max_attempts: 1 }, webhook: { url: receiver.url, timeout: '1s' } });
      const first = await waitForExecution(node, 'silent', await trigger(node, 'silent'));
      assert.equal(first.attempt_log[0].error_code, 'TIMEOUT');
      assert.ok(Math.abs(first.attempt_log[0].duration_ms - 1000) <= 1000);
      const baseline = openFds();
      const ids: string[] = [];
      for (let i = 0; i < 100; i++) ids.push(await trigger(node, 'silent'));
      for (const id of ids) assert.equal((await waitForExecution(node, 'silent', id, undefined, 20_000)).status, 'failed');
      await waitUntil(() => openFds() <= baseline + 4, 10_000, () => `descriptors back to ${baseline}; ${openFds()} open`);
    });
  });
});
