import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { VERSION } from '../../src/version.js';
import { withNode } from '../support/fixture.js';
import { createJob, trigger, waitForExecution } from '../support/jobs.js';
import { STORE_KINDS } from '../support/stores.js';

const sqlite = STORE_KINDS[0];
const SECRET = 'whsec_' + Buffer.from('0123456789abcdef0123456789abcdef').toString('base64');

async function deliver(f: { node: any; receiver: any }, id: string, webhook: Record<string, unknown>, body?: unknown) {
  await createJob(f.node, { id, name: `Job ${id}`, webhook: { url: f.receiver.url, ...webhook } });
  const before = f.receiver.requests.length;
  const execution = await trigger(f.node, id, body);
  const e = await waitForExecution(f.node, id, execution);
  return { e, execution, received: f.receiver.requests.slice(before) };
}

describe('outbound request shape', () => {
  test("Hookline's headers are sent; custom headers override them, except User-Agent", async () => {
    await withNode(sqlite, {}, async (f) => {
      const { e, execution, received } = await deliver(f, 'hdr', { headers: { 'X-Custom': 'yes', 'user-agent': 'Mine/1.0', 'x-hookline-job-id': 'overridden' } });
      assert.equal(e.status, 'succeeded');
      const h = received[0].headers;
      assert.equal(h['user-agent'], `Hookline/${VERSION}`);
      assert.equal(h['x-hookline-job-id'], 'overridden');
      assert.equal(h['x-hookline-execution-id'], execution);
      assert.equal(h['x-hookline-attempt'], '1');
      assert.equal(h['x-custom'], 'yes');
      assert.equal(received[0].method, 'POST', 'POST is the default method');
    });
  });

  test('auth: bearer, basic, api_key (default header X-API-Key or a named one), and credentials in the URL', async () => {
    await withNode(sqlite, {}, async (f) => {
      const cases: Array<[Record<string, unknown>, string, string]> = [
        [{ auth: { type: 'bearer', token: 'tok-123' } }, 'authorization', 'Bearer tok-123'],
        [{ auth: { type: 'basic', username: 'api_user', password: 'api_password' } }, 'authorization', `Basic ${Buffer.from('api_user:api_password').toString('base64')}`],
        [{ auth: { type: 'api_key', api_key: 'key-1' } }, 'x-api-key', 'key-1'],
        [{ auth: { type: 'api_key', api_key: 'key-2', header: 'X-Token' } }, 'x-token', 'key-2'],
        [{ url: f.receiver.url.replace('http://', 'http://u%40x:p%3Ass@') }, 'authorization', `Basic ${Buffer.from('u@x:p:ss').toString('base64')}`],
      ];
      for (const [i, [webhook, header, value]] of cases.entries()) {
        const { received } = await deliver(f, `auth-${i}`, webhook);
        assert.equal(received[0].headers[header], value, JSON.stringify(webhook));
      }
    });
  });

  test('method, and a body only where the method takes one', async () => {
    await withNode(sqlite, {}, async (f) => {
      const put = await deliver(f, 'put', { method: 'put', body: 'plain text' });
      assert.equal(put.received[0].method, 'PUT');
      assert.equal(put.received[0].body, 'plain text');
      const get = await deliver(f, 'get', { method: 'GET', body: '{"ignored": true}' });
      assert.equal(get.received[0].method, 'GET');
      assert.equal(get.received[0].body, '');
    });
  });

  test('with a signing secret, the Standard Webhooks headers verify with the standardwebhooks package', async () => {
    await withNode(sqlite, { startAt: Date.now() }, async (f) => {
      const { received, execution } = await deliver(f, 'signed', { signing_secret: SECRET, body: '{"job": "{{.JobID}}"}' });
      const r = received[0];
      const verified = new Webhook(SECRET).verify(r.body, r.headers);
      assert.deepEqual(verified, { job: 'signed' });
      assert.equal(r.headers['webhook-id'], `msg_${execution}`);
      assert.throws(() => new Webhook(SECRET).verify(r.body + ' ', r.headers), 'a changed body does not verify');
    });
  });

  test('templates fill url, headers and body with job, execution and trigger values', async () => {
    await withNode(sqlite, {}, async (f) => {
      const { received, execution } = await deliver(
        f,
        'tpl',
        {
          url: `${f.receiver.url}/x/{{.JobID}}/{{ trigger.body.path }}?at={{.ScheduledTime}}`,
          headers: { 'X-Attempt': 'n{{.Attempt}}', 'X-Who': '{{ trigger.body.user.name }}' },
          body: '{"id": "{{.ExecutionID}}", "name": "{{.JobName}}", "items": {{ trigger.body.items }}, "n": {{ trigger.body.n }}, "missing": {{ trigger.body.nope }}}',
        },
        { path: 'a b/c', user: { name: 'Ann' }, items: [1, 'two'], n: 3 },
      );
      const r = received[0];
      assert.equal(r.path, '/x/tpl/a%20b%2Fc?at=2026-06-01T12%3A00%3A00Z');
      assert.equal(r.headers['x-attempt'], 'n1');
      assert.equal(r.headers['x-who'], 'Ann');
      assert.equal(r.headers['content-type'], 'application/json');
      assert.deepEqual(JSON.parse(r.body), { id: execution, name: 'Job tpl', items: [1, 'two'], n: 3, missing: null });
    });
  });

  test('a trigger value can never break the JSON body it lands in', async () => {
    await withNode(sqlite, {}, async (f) => {
      const hostile = '", "admin": true, "x": "\\\n\u0000';
      const { received } = await deliver(f, 'inject', { body: '{"msg": "said: {{ trigger.body.msg }}", "raw": {{ trigger.body.msg }}}' }, { msg: hostile });
      assert.deepEqual(JSON.parse(received[0].body), { msg: `said: ${hostile}`, raw: hostile });
    });
  });

  test('a value that would put CR/LF into a header fails the execution as a configuration error, unsent and not retried', async () => {
    await withNode(sqlite, {}, async (f) => {
      await createJob(f.node, { id: 'crlf', retry_policy: { max_attempts: 5 }, webhook: { url: f.receiver.url, headers: { 'X-Who': '{{ trigger.body.who }}' } } });
      const e = await waitForExecution(f.node, 'crlf', await trigger(f.node, 'crlf', { who: 'a\r\nX-Evil: 1' }));
      assert.equal(e.status, 'failed');
      assert.equal(e.attempts, 1);
      assert.equal(e.attempt_log[0].error_code, 'CONFIG_ERROR');
      assert.match(e.last_error, /CR, LF/);
      assert.equal(f.receiver.requests.length, 0);
    });
  });

  test('a rendered header value holding a character HTTP cannot carry (U+0100, U+2028, DEL, NUL) is a configuration error, unsent and not retried', async () => {
    await withNode(sqlite, {}, async (f) => {
      await createJob(f.node, { id: 'bytes', retry_policy: { max_attempts: 5 }, webhook: { url: f.receiver.url, headers: { 'X-Who': 'user {{ trigger.body.who }}' } } });
      for (const who of ['\u0100', 'a\u2028b', 'del\u007f', 'nul\u0000']) {
        const e = await waitForExecution(f.node, 'bytes', await trigger(f.node, 'bytes', { who }));
        assert.equal(e.status, 'failed', JSON.stringify(who));
        assert.equal(e.attempts, 1);
        assert.equal(e.attempt_log[0].error_code, 'CONFIG_ERROR');
        assert.match(e.last_error, /header X-Who holds a character an HTTP header cannot carry/);
      }
      assert.equal(f.receiver.requests.length, 0);
      // Latin-1 is what a header can carry: it is sent.
      const sent = await waitForExecution(f.node, 'bytes', await trigger(f.node, 'bytes', { who: 'caf\u00e9' }));
      assert.equal(sent.status, 'succeeded');
    });
  });
});
