import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { withNode } from '../support/fixture.js';
import { hookUrl } from '../support/hooks.js';
import { STORE_KINDS } from '../support/stores.js';

const sqlite = STORE_KINDS.find((k) => k.name === 'sqlite')!;

describe("Kestra's spellings of triggers and conditions", () => {
  test("a trigger of type io.kestra.plugin.core.trigger.Webhook with an ExpressionCondition works as written; other condition types are refused naming what to write", async () => {
    await withNode(sqlite, {}, async ({ node, receiver }) => {
      const job = {
        id: 'kestra',
        namespace: 'company.team',
        webhook: { url: receiver.url },
        triggers: [{
          id: 'webhook',
          type: 'io.kestra.plugin.core.trigger.Webhook',
          key: '4wjtkzwVGBM9yKnjm3yv8r',
          conditions: [{ type: 'io.kestra.plugin.core.condition.ExpressionCondition', expression: "{{ trigger.body.hello == 'world' }}" }],
        }],
      };
      const created = await node.api('POST', '/api/v1/jobs', job);
      assert.equal(created.status, 201, created.text);
      assert.equal(created.body.triggers[0].type, 'webhook');
      assert.deepEqual(created.body.triggers[0].conditions, ["{{ trigger.body.hello == 'world' }}"]);
      const url = hookUrl('company.team', 'kestra', '4wjtkzwVGBM9yKnjm3yv8r');
      assert.equal((await node.api('POST', url, { hello: 'world' })).status, 200);
      assert.equal((await node.api('POST', url, { hello: 'mars' })).status, 204);

      const refused = await node.api('PUT', '/api/v1/jobs/kestra', { ...job, triggers: [{ ...job.triggers[0], conditions: [{ type: 'io.kestra.plugin.core.condition.DayWeek', dayOfWeek: 'MONDAY' }] }] });
      assert.equal(refused.status, 400);
      assert.equal(refused.body.error.field, 'triggers.0.conditions.0.type');
      assert.match(refused.body.error.message, /io\.kestra\.plugin\.core\.condition\.DayWeek is not a condition Hookline runs; write it as a CEL expression/);
      const badType = await node.api('PUT', '/api/v1/jobs/kestra', { ...job, triggers: [{ ...job.triggers[0], type: 'io.kestra.plugin.core.trigger.Schedule' }] });
      assert.equal(badType.status, 400);
      assert.equal(badType.body.error.field, 'triggers.0.type');
    });
  });
});
