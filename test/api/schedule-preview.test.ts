import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { withNode } from '../support/fixture.js';
import { STORE_KINDS } from '../support/stores.js';

describe('schedule preview', () => {
  test("shows a schedule's next ticks as the scheduler fires them, daylight saving time included", async () => {
    await withNode(STORE_KINDS[0], { startAt: Date.parse('2026-03-27T12:00:00Z') }, async ({ node }) => {
      const berlin = await node.api('POST', '/api/v1/schedules/preview', { schedule: { cron: '30 2 * * *', timezone: 'Europe/Berlin' }, count: 3 });
      assert.equal(berlin.status, 200, berlin.text);
      // 02:30 does not exist on the spring-forward day: that tick fires when the hour ends, at 03:00.
      assert.deepEqual(berlin.body.next, ['2026-03-28T01:30:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z']);
      const every = await node.api('POST', '/api/v1/schedules/preview', { schedule: { every: '90m' } });
      assert.deepEqual(every.body.next, ['2026-03-27T13:30:00.000Z', '2026-03-27T15:00:00.000Z', '2026-03-27T16:30:00.000Z', '2026-03-27T18:00:00.000Z', '2026-03-27T19:30:00.000Z']);
      const once = await node.api('POST', '/api/v1/schedules/preview', { schedule: { at: '2026-04-01T09:00:00Z' } });
      assert.deepEqual(once.body.next, ['2026-04-01T09:00:00.000Z']);
      const wrong = await node.api('POST', '/api/v1/schedules/preview', { schedule: '61 * * * *' });
      assert.equal(wrong.status, 400);
      assert.equal(wrong.body.error.field, 'schedule');
      assert.match(wrong.body.error.message, /^schedule: invalid cron expression/);
    });
  });
});
