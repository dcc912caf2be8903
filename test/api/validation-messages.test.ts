import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startNode } from '../support/harness.js';
import { STORE_KINDS } from '../support/stores.js';

const sqlite = STORE_KINDS.find((k) => k.name === 'sqlite')!;
const url = 'http://127.0.0.1:9/';

describe('validation messages say what was wrong', () => {
  test('a value of the wrong type names the type expected and the one given; a missing one is required', async () => {
    const db = sqlite.create();
    const node = await startNode(db);
    try {
      const cases: Array<[unknown, string, string]> = [
        [{ webhook: { url, timeout: 30 } }, 'webhook.timeout', 'webhook.timeout: expected a duration like "30s", got a number'],
        [{ schedule: { every: 5 }, webhook: { url } }, 'schedule.every', 'schedule.every: expected a duration like "30s", got a number'],
        [{ webhook: { url: 5 } }, 'webhook.url', 'webhook.url: expected a string, got a number'],
        [{ webhook: { url, headers: [] } }, 'webhook.headers', 'webhook.headers: expected an object, got an array'],
        [{ retry_policy: { max_attempts: '3' }, webhook: { url } }, 'retry_policy.max_attempts', 'retry_policy.max_attempts: expected a number, got a string'],
        [{ enabled: 'yes', webhook: { url } }, 'enabled', 'enabled: expected a boolean, got a string'],
        [{ webhook: { url, body: null } }, 'webhook.body', 'webhook.body: expected a string, an object or an array, got null'],
        [{ webhook: {} }, 'webhook.url', 'webhook.url: is required'],
      ];
      for (const [body, field, message] of cases) {
        const res = await node.api('POST', '/api/v1/jobs', body);
        assert.equal(res.status, 400, res.text);
        assert.deepEqual(res.body.error, { code: 'INVALID_INPUT', message, field }, JSON.stringify(body));
      }
      const endpoint = await node.api('POST', '/api/v1/endpoints', { name: 'e', url, timeout: 30 });
      assert.equal(endpoint.body.error.message, 'timeout: expected a duration like "30s", got a number');
      const tested = await node.api('POST', '/api/v1/webhooks/test', { webhook: { url: [url] } });
      assert.equal(tested.body.error.message, 'webhook.url: expected a string, got an array');
    } finally {
      await node.close();
      await db.drop();
    }
  });
});
