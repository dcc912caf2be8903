import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createEvaluationPool } from '../../src/evaluation/evaluation-pool.js';
import { probeHealth } from '../support/health-probe.js';
import { spawnServe, type NodeProcess } from '../support/process.js';
import { STORE_KINDS, type TestDatabase } from '../support/stores.js';

const sqlite = STORE_KINDS.find((k) => k.name === 'sqlite')!;
/** A held event loop shows as a slow /healthz; the worst inputs once held it for seconds to minutes. */
const HEALTH_LIMIT_MS = 1000;

/** Wraps a webhook in a job document. */
const job = (webhook: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ webhook: { url: 'http://127.0.0.1:9/x', ...webhook }, ...extra });

/** Worst cases for each validator and parser, with the answer each must get. */
const CASES: Array<{ name: string; body: unknown; raw?: string; status: number | 'ok'; field?: string }> = [
  // A body opening with "{" is a JSON template; these are not valid JSON, and are told so at once.
  { name: '"{{" 128,000 times in a body', body: job({ body: '{{'.repeat(128_000) }), status: 400, field: 'webhook.body' },
  { name: '"{{" to just under 1 MiB in a body', body: job({ body: '{{'.repeat(500_000) }), status: 400, field: 'webhook.body' },
  { name: '"x{{" 128,000 times in a text body', body: job({ body: 'x{{'.repeat(128_000) }), status: 'ok' },
  { name: 'more placeholders than a template may hold', body: job({ body: '{{.JobID}}'.repeat(2000) }), status: 400, field: 'webhook.body' },
  { name: '"{{}}" 200,000 times', body: job({ body: '{{}}'.repeat(200_000) }), status: 400, field: 'webhook.body' },
  { name: 'a placeholder longer than an expression may be', body: job({ body: `{{ trigger.body.${'a'.repeat(5000)} }}` }), status: 400, field: 'webhook.body' },
  { name: '"{{" filling a URL', body: job({ url: `http://127.0.0.1:9/${'{{'.repeat(4000)}` }), status: 'ok' },
  { name: '"{{" filling a header', body: job({ headers: { 'X-A': '{{'.repeat(4000) } }), status: 'ok' },
  { name: 'an unclosed placeholder before 1 MiB of text', body: job({ body: `x {{ ${'a'.repeat(1_000_000)}` }), status: 'ok' },
  { name: 'JSON nested 10,000 deep', raw: `{"webhook": {"url": "http://127.0.0.1:9/", "body": ${'['.repeat(10_000)}${']'.repeat(10_000)}}}`, body: undefined, status: 400, field: 'body' },
  { name: 'JSON nested 500,000 deep', raw: '['.repeat(500_000) + ']'.repeat(500_000), body: undefined, status: 400, field: 'body' },
  { name: 'a duration of 100,000 digits', body: job({ timeout: '1'.repeat(100_000) + 'x' }), status: 400, field: 'webhook.timeout' },
  { name: 'a cron of 100,000 characters', body: job({}, { schedule: '*/1 '.repeat(25_000) }), status: 400, field: 'schedule' },
  { name: 'a CEL condition nested 4,000 deep', body: job({}, { triggers: [{ type: 'webhook', conditions: ['('.repeat(2000) + 'true' + ')'.repeat(2000)] }] }), status: 400, field: 'triggers.0.conditions.0' },
  { name: 'CR LF in a static header', body: job({ headers: { 'X-A': 'a\r\nInjected: yes' } }), status: 400, field: 'webhook.headers.X-A' },
  { name: 'NUL in a static header', body: job({ headers: { 'X-A': 'a\u0000b' } }), status: 400, field: 'webhook.headers.X-A' },
  { name: 'U+2028 in a static header', body: job({ headers: { 'X-A': 'a\u2028b' } }), status: 400, field: 'webhook.headers.X-A' },
  { name: 'DEL in a bearer token', body: job({ auth: { type: 'bearer', token: 'tok\u007fen' } }), status: 400, field: 'webhook.auth.token' },
  { name: 'a header name with a space', body: job({ headers: { 'X A': 'b' } }), status: 400, field: 'webhook.headers.X A' },
];

describe('hostile input: every validator answers at once and the node keeps answering', () => {
  let db: TestDatabase;
  let node: NodeProcess;
  before(async () => {
    db = sqlite.create();
    node = await spawnServe(['--db', db.file!]);
  });
  after(async () => {
    node.child.kill('SIGTERM');
    await node.exited;
    await db.drop();
  });

  for (const c of CASES) {
    test(c.name, async () => {
      const probe = probeHealth(node.url);
      const res = await fetch(`${node.url}/api/v1/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: c.raw ?? JSON.stringify(c.body),
        signal: AbortSignal.timeout(20_000),
      });
      const text = await res.text();
      const { slowestMs, failures } = await probe.stop();
      if (c.status === 'ok') assert.equal(res.status, 201, text.slice(0, 500));
      else {
        assert.equal(res.status, c.status, text.slice(0, 500));
        assert.equal(JSON.parse(text).error.field, c.field, text.slice(0, 500));
      }
      assert.equal(failures, 0);
      assert.ok(slowestMs < HEALTH_LIMIT_MS, `/healthz took ${slowestMs} ms while the request was handled`);
    });
  }
});

describe('hostile input: costly hook conditions run off the event loop, under a deadline', () => {
  test('regular expressions over a 1 MiB body and nested comprehensions: 204 within the condition timeout, logged, and /healthz keeps answering', async () => {
    const db = sqlite.create();
    const node = await spawnServe(['--db', db.file!]);
    try {
      const regex = Array.from({ length: 40 }, () => "trigger.body.s.matches('^a+$')").join(' && ');
      const nested = 'trigger.body.a.all(x, trigger.body.a.exists(y, y == -1) || true)';
      const job = (id: string, condition: string) => ({ webhook: { url: 'http://127.0.0.1:9/' }, triggers: [{ type: 'webhook', key: `key-${id}-0123456789`, conditions: [condition], rate_limit: { requests: 1000, per: '1m' } }] });
      assert.equal((await node.api('PUT', '/api/v1/jobs/regex', job('regex', regex))).status, 201);
      assert.equal((await node.api('PUT', '/api/v1/jobs/nested', job('nested', nested))).status, 201);
      assert.equal((await node.api('PUT', '/api/v1/jobs/plain', job('plain', "trigger.body.ok == true"))).status, 201);
      const bodies = { regex: JSON.stringify({ s: 'a'.repeat(1_000_000) }), nested: JSON.stringify({ a: Array.from({ length: 100_000 }, (_, i) => i) }) };
      const probe = probeHealth(node.url);
      const started = performance.now();
      const answers = await Promise.all([
        fetch(`${node.url}/api/v1/executions/webhook/default/regex/key-regex-0123456789`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodies.regex }),
        fetch(`${node.url}/api/v1/executions/webhook/default/nested/key-nested-0123456789`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodies.nested }),
      ]);
      const elapsed = performance.now() - started;
      const plain = await fetch(`${node.url}/api/v1/executions/webhook/default/plain/key-plain-0123456789`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"ok": true}' });
      const { slowestMs, failures } = await probe.stop();
      assert.deepEqual(answers.map((a) => a.status), [204, 204]);
      assert.equal(plain.status, 200, 'a cheap condition is evaluated as usual');
      assert.ok(elapsed < 5000, `both were answered after ${elapsed.toFixed(0)} ms (deadline 1 s each)`);
      assert.equal(failures, 0);
      assert.ok(slowestMs < HEALTH_LIMIT_MS, `/healthz took ${slowestMs} ms`);
      const hooks = (await node.api('GET', '/api/v1/hooks?job=regex')).body.items;
      const log = (await node.api('GET', `/api/v1/hooks/${hooks[0].id}/invocations`)).body.items;
      assert.equal(log[0].result, 'filtered');
      assert.match(log[0].reason, /could not be evaluated: took longer than 1000 ms/);
    } finally {
      node.child.kill('SIGTERM');
      await node.exited;
      await db.drop();
    }
  });
});

describe('the evaluation threads', () => {
  test('a call past its deadline ends its thread; the calls queued behind it run on a fresh one', async () => {
    const runner = createEvaluationPool({ timeoutMs: 300, threads: 1 });
    try {
      const slow = Array.from({ length: 40 }, () => "trigger.body.s.matches('^a+$')").join(' && ');
      const stuck = runner.conditions([slow], { body: { s: 'a'.repeat(1_000_000) }, headers: {}, parameters: {} });
      const next = runner.conditions(["trigger.body.s.matches('^b')"], { body: { s: 'bcd' }, headers: {}, parameters: {} });
      const inline = runner.conditions(['trigger.body.ok == true'], { body: { ok: true }, headers: {}, parameters: {} });
      assert.deepEqual(await inline, { met: true }, 'a cheap condition does not wait behind a costly one');
      const first = await stuck;
      assert.equal(first.met, false);
      assert.match((first as { error?: string }).error ?? '', /took longer than 300 ms/);
      assert.deepEqual(await next, { met: true });
    } finally {
      await runner.close();
    }
  });
});
