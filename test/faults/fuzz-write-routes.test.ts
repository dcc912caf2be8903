import assert from 'node:assert/strict';
import type { lookup } from 'node:dns';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { startNode, type Running } from '../support/harness.js';
import { KEY, hookUrl } from '../support/hooks.js';
import { STORE_KINDS, type TestDatabase } from '../support/stores.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
/** A generated webhook may name any host: the node resolves none and connects nowhere. */
const resolveNothing = ((host: string, _options: unknown, callback: (err: Error) => void) =>
  callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }))) as unknown as typeof lookup;

// Values that reach into each validator: durations, templates, secrets, URLs, cron, CEL, header-breaking characters.
const tricky = fc.constantFrom(
  '', '0s', '1s', '25d', '1h30m', '***', '{{.JobID}}', '{{ trigger.body.x }}', '{{', '}}', '{{}}', '{{ outputs.a.body }}',
  'http://127.0.0.1:9/x', 'https://[::1]:9/', 'ftp://x', 'http://user:pw@127.0.0.1:9/', 'whsec_AAAAAAAAAAAAAAAAAAAAAA==', 'whsec_!!',
  '* * * * *', '0 2 * * *', '61 * * * *', 'Europe/Berlin', 'Mars/Olympus', '2099-01-01T00:00:00Z', 'trigger.body.a == 1', '(((', 'a\r\nb', 'a\u0000b',
  '\u2028', '\ud800', 'x\udfffy', '\u0000', 'x'.repeat(300), 'webhook', 'failed', 'SUCCESS', 'bearer', 'basic', 'api_key', 'none', 'GET', 'post',
);
// Strings of any UTF-16 code units: NUL and lone surrogates included, which PostgreSQL's text cannot hold.
const scalar = fc.oneof(tricky, fc.string({ maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 12 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const value = fc.oneof(scalar, fc.array(scalar, { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 12 }), scalar, { maxKeys: 4 }));
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, value);

const auth = fc.record(
  { type: maybe(fc.constantFrom('none', 'bearer', 'basic', 'api_key')), token: value, username: value, password: value, api_key: value, header: value },
  { requiredKeys: [] },
);
const webhook = fc.record(
  {
    url: maybe(fc.constantFrom('http://127.0.0.1:9/x', 'http://example.test/{{.JobID}}')), method: value, headers: fc.dictionary(fc.string({ maxLength: 20 }), scalar, { maxKeys: 3 }),
    body: value, auth: maybe(auth), success_codes: value, timeout: value, tls_skip_verify: value, verifySSL: value, signing_secret: value, endpoint: value,
  },
  { requiredKeys: [] },
);
const retryPolicy = fc.record({ max_attempts: value, initial_interval: value, max_interval: value, multiplier: value }, { requiredKeys: [] });
const trigger = fc.record(
  { type: maybe(fc.constant('webhook')), id: value, key: value, secret: value, conditions: maybe(fc.array(fc.oneof(tricky, fc.string()), { maxLength: 3 })), enabled: value, stopAfter: value, rate_limit: value, wait: value, verify: value },
  { requiredKeys: [] },
);
const task = fc.record({ name: maybe(fc.constantFrom('a', 'b', 'c')), webhook: maybe(webhook), depends_on: maybe(fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 3 })), timeout: value, retry_policy: maybe(retryPolicy) }, { requiredKeys: [] });
const job = fc.record(
  {
    id: maybe(fc.constantFrom('fuzz', 'fuzz-2')), name: value, namespace: value, description: value, timeout: value, retry_policy: maybe(retryPolicy),
    schedule: fc.oneof(tricky, fc.record({ cron: value, timezone: value, every: value, at: value }, { requiredKeys: [] }), value),
    enabled: value, misfire: value, catch_up_limit: value, overlap: value, triggers: maybe(fc.array(trigger, { maxLength: 3 })),
    webhook: maybe(webhook), tasks: maybe(fc.array(task, { maxLength: 4 })), notify: value, created_at: value,
  },
  { requiredKeys: [] },
);
const endpoint = fc.record({ name: maybe(fc.constant('fuzz-endpoint')), url: value, method: value, headers: value, auth: maybe(auth), timeout: value, retry_policy: maybe(retryPolicy), signing_secret: value, description: value }, { requiredKeys: [] });
/** Any document, or what a job or endpoint is made of; sometimes not JSON at all. */
const body = (shaped: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 4, arbitrary: shaped.map((v) => ({ text: JSON.stringify(v), type: 'application/json' })) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => ({ text: JSON.stringify(v), type: 'application/json' })) },
    { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 200 }), fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/octet-stream')).map(([text, type]) => ({ text, type })) },
  );

const eventType = fc.record({ description: value, schema: value }, { requiredKeys: [] });
const event = fc.record({ type: maybe(fc.constantFrom('order.paid', 'a.b')), payload: value, namespace: value, id: value }, { requiredKeys: [] });

for (const kind of STORE_KINDS) describe(`fuzzing every write route: ${kind.name}`, () => {
  let db: TestDatabase;
  let node: Running;
  let hookId: string;
  before(async () => {
    db = kind.create();
    node = await startNode(db, { config: { egress: { allow: [], deny: ['0.0.0.0/0', '::/0'] } }, resolve: resolveNothing });
    const created = await node.api('PUT', '/api/v1/jobs/target', { triggers: [{ type: 'webhook', key: KEY, rate_limit: { requests: 1_000_000, per: '1m' } }], webhook: { url: 'http://127.0.0.1:9/x' } });
    assert.equal(created.status, 201, created.text);
    hookId = created.body.triggers[0].hook_id;
  });
  after(async () => {
    await node.close();
    await db.drop();
  });

  /** Sends one generated request and holds the node to its promises: 2xx or a 4xx in the documented shape, and a prompt /healthz. */
  async function check(method: string, path: string, sent: { text: string; type: string }): Promise<void> {
    const res = await node.api(method, path, sent.text, { 'content-type': sent.type });
    const what = `${method} ${path} ${sent.type} ${sent.text.slice(0, 300)} → ${res.status} ${res.text.slice(0, 300)}`;
    assert.ok(res.status < 500, `never a 5xx: ${what}`);
    if (res.status >= 400) {
      assert.equal(typeof res.body?.error?.code, 'string', `the error shape: ${what}`);
      if (res.status === 400) assert.equal(typeof res.body.error.field, 'string', `a 400 names the field: ${what}`);
    }
    const started = performance.now();
    assert.equal((await fetch(`${node.url}/healthz`)).status, 200);
    assert.ok(performance.now() - started < 100, `/healthz answered within 100 ms after ${what}`);
  }

  const routes: Array<[string, string, fc.Arbitrary<{ text: string; type: string }>]> = [
    ['POST', '/api/v1/jobs', body(job)],
    ['PUT', '/api/v1/jobs/fuzz', body(job)],
    ['POST', '/api/v1/jobs/target/trigger', body(value)],
    ['POST', '/api/v1/jobs/target/pause', body(value)],
    ['POST', '/api/v1/endpoints', body(endpoint)],
    ['PUT', '/api/v1/endpoints/fuzz-endpoint', body(endpoint)],
    ['POST', '/api/v1/webhooks/test', body(fc.record({ webhook: maybe(webhook), timeout: value }, { requiredKeys: [] }))],
    ['PATCH', '/api/v1/hooks/:hook', body(fc.record({ enabled: value }, { requiredKeys: [] }))],
    ['POST', '/api/v1/hooks/:hook/test', body(fc.record({ body: value, headers: value, parameters: value }, { requiredKeys: [] }))],
    ['POST', hookUrl('default', 'target'), body(value)],
    ['PUT', '/api/v1/event-types/order.paid', body(eventType)],
    ['POST', '/api/v1/events', body(event)],
    ['POST', '/api/v1/endpoints/fuzz-endpoint/rotate-secret', body(fc.record({ signing_secret: value, signing_key: value, overlap: value }, { requiredKeys: [] }))],
  ];
  for (const [method, path, arbitrary] of routes) {
    test(`${method} ${path}`, async () => {
      await fc.assert(fc.asyncProperty(arbitrary, (sent) => check(method, path.replace(':hook', hookId), sent)), { numRuns: RUNS });
    });
  }
});
