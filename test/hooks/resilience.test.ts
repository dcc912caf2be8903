import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, test } from 'node:test';
import { sideStatements } from '../support/side-database.js';
import { withNode } from '../support/fixture.js';
import { createHookJob, hookUrl, invocationsOf } from '../support/hooks.js';
import { executionsOf } from '../support/schedules.js';
import { STORE_KINDS } from '../support/stores.js';


/**
 * Opens a connection and sends `head` then one byte of `trickle` every 200 ms, as a slow client
 * does; resolves with how long the server took to close it, or rejects after `limitMs`.
 */
function slowClient(port: number, head: string, trickle: string, limitMs: number): Promise<{ ms: number; answer: string }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1', () => socket.write(head));
    let answer = '';
    let sent = 0;
    const timer = setInterval(() => {
      if (Date.now() - started > limitMs) {
        clearInterval(timer);
        socket.destroy();
        reject(new Error(`the server kept a slow client for ${limitMs} ms`));
        return;
      }
      if (!socket.destroyed) socket.write(trickle[sent++ % trickle.length]);
    }, 200);
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ ms: Date.now() - started, answer });
    });
  });
}

for (const kind of STORE_KINDS) {
  describe(`hook resilience: ${kind.name}`, () => {
    test('with the store failing, a call is answered 503 with Retry-After and nothing is half-written', async () => {
      await withNode(kind, {}, async ({ db, node }) => {
        const id = await createHookJob(node, { id: 'outage' });
        await sideStatements(db, ['ALTER TABLE executions RENAME TO executions_away']);
        const refused = await node.api('POST', hookUrl('default', 'outage'), { n: 1 });
        assert.equal(refused.status, 503, refused.text);
        assert.equal(refused.headers.get('retry-after'), '5');
        await sideStatements(db, ['ALTER TABLE executions_away RENAME TO executions']);
        const accepted = await node.api('POST', hookUrl('default', 'outage'), { n: 2 });
        assert.equal(accepted.status, 200, accepted.text);
        assert.deepEqual((await executionsOf(node, 'outage')).map((e) => e.trigger.body), [{ n: 2 }]);
        assert.deepEqual((await invocationsOf(node, id)).map((i) => i.status_code), [200], 'the failed call wrote no invocation either');
      });
    });
  });
}

describe('slow clients', () => {
  const config = { http: { headers_timeout: '1s', request_timeout: '2s' } };
  test('a client trickling its headers or its body is cut off at the configured timeouts', async () => {
    await withNode(STORE_KINDS[0], { config }, async ({ node }) => {
      await createHookJob(node, { id: 'slow' });
      const port = Number(new URL(node.url).port);
      const path = hookUrl('default', 'slow');
      const headers = await slowClient(port, `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n`, 'X-Slow: yes\r\n', 10_000);
      assert.ok(headers.ms < 4000, `headers: closed after ${headers.ms} ms`);
      const body = await slowClient(port, `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n`, 'x', 10_000);
      assert.ok(body.ms < 5000, `body: closed after ${body.ms} ms`);
      assert.match(body.answer, /^HTTP\/1\.1 408/);
      assert.equal((await executionsOf(node, 'slow')).length, 0);
    });
  });
});
