import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseConfig } from '../../src/config/config.js';
import { startNode } from '../support/harness.js';
import { STORE_KINDS } from '../support/stores.js';

const sqlite = STORE_KINDS.find((k) => k.name === 'sqlite')!;
const url = 'http://127.0.0.1:9/';

/** Each duration field of the API: the route, a body with the value put in place, and the field a 400 names. */
const FIELDS: Array<{ field: string; path: string; body: (d: string) => unknown; tooLong: string }> = [
  { field: 'webhook.timeout', path: '/api/v1/jobs', body: (d) => ({ webhook: { url, timeout: d } }), tooLong: '2h' },
  { field: 'timeout', path: '/api/v1/jobs', body: (d) => ({ timeout: d, webhook: { url } }), tooLong: '25d' },
  { field: 'tasks.0.timeout', path: '/api/v1/jobs', body: (d) => ({ tasks: [{ name: 'a', timeout: d, webhook: { url } }] }), tooLong: '90m' },
  { field: 'retry_policy.initial_interval', path: '/api/v1/jobs', body: (d) => ({ retry_policy: { initial_interval: d }, webhook: { url } }), tooLong: '400d' },
  { field: 'retry_policy.max_interval', path: '/api/v1/jobs', body: (d) => ({ retry_policy: { max_interval: d }, webhook: { url } }), tooLong: '400d' },
  { field: 'schedule.every', path: '/api/v1/jobs', body: (d) => ({ schedule: { every: d }, webhook: { url } }), tooLong: '367d' },
  { field: 'triggers.0.rate_limit.per', path: '/api/v1/jobs', body: (d) => ({ triggers: [{ type: 'webhook', rate_limit: { requests: 1, per: d } }], webhook: { url } }), tooLong: '2d' },
  { field: 'triggers.0.verify.tolerance', path: '/api/v1/jobs', body: (d) => ({ triggers: [{ type: 'webhook', verify: { scheme: 'slack', secret: 'abcdefgh', tolerance: d } }], webhook: { url } }), tooLong: '2d' },
  { field: 'timeout', path: '/api/v1/endpoints', body: (d) => ({ name: 'e', url, timeout: d }), tooLong: '25d' },
  { field: 'timeout', path: '/api/v1/webhooks/test', body: (d) => ({ webhook: { url }, timeout: d }), tooLong: '25d' },
];

describe('every duration has a documented range', () => {
  test('zero, too long, or not a duration: a 400 naming the field, and nothing written', async () => {
    const db = sqlite.create();
    const node = await startNode(db);
    try {
      for (const { field, path, body, tooLong } of FIELDS) {
        for (const value of ['0s', tooLong, '1'.repeat(40) + 's', '-5s', 'soon']) {
          const res = await node.api('POST', path, body(value));
          assert.equal(res.status, 400, `${path} ${field}=${value}: ${res.text}`);
          assert.equal(res.body.error.field, field, `${path} ${field}=${value}: ${res.text}`);
          assert.match(res.body.error.message, /from \d+(ms|s|m|h|d) to \d+(ms|s|m|h|d)/, res.text);
        }
      }
      assert.deepEqual((await node.api('GET', '/api/v1/jobs')).body.items, []);
      assert.deepEqual((await node.api('GET', '/api/v1/endpoints')).body.items, []);
    } finally {
      await node.close();
      await db.drop();
    }
  });

  test('configuration durations outside their range stop start-up naming the key', () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ worker: { lease_margin: '0s' } }, /worker\.lease_margin: must be from 100ms to 1h/],
      [{ worker: { poll_interval: '2h' } }, /worker\.poll_interval/],
      [{ http: { request_timeout: '25d' } }, /http\.request_timeout/],
      [{ hooks: { wait_timeout: '0s' } }, /hooks\.wait_timeout/],
      [{ retention: '1m' }, /retention/],
      [{ scheduler: { misfire_threshold: '10ms' } }, /scheduler\.misfire_threshold/],
    ];
    for (const [input, message] of cases) assert.throws(() => parseConfig(input), message, JSON.stringify(input));
    assert.equal(parseConfig({ worker: { shutdown_grace: '0s' } }).worker.shutdown_grace, '0s');
  });
});
