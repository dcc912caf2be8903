import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { systemClock } from '../../src/clock.js';
import { consoleFixture, openConsole } from './console-support.js';

describe('the console: a schedule running', () => {
  // The real clock: the schedule fires on its own, every second.
  const f = consoleFixture({ clock: systemClock, config: { scheduler: { poll_interval: '100ms' } } });

  test("a job made in the form fires on its schedule, and its executions appear in the list without a reload; nothing is fetched from elsewhere", async () => {
    const page = await openConsole(f.browser, f.node.url, '/jobs/new');
    const elsewhere: string[] = [];
    page.on('request', (r) => void (r.url().startsWith(f.node.url) || elsewhere.push(r.url())));
    await page.getByLabel('Id').fill('heartbeat');
    await page.getByLabel('URL').fill(`${f.receiver.url}/beat`);
    await page.getByLabel('Cron schedule').fill('* * * * * *');
    await page.getByLabel('Schedule preview').getByText('Every second').waitFor();
    await page.getByRole('button', { name: 'Create job' }).click();
    await page.getByRole('heading', { name: 'heartbeat' }).waitFor();
    await page.getByRole('link', { name: 'Executions' }).first().click();
    await page.getByRole('heading', { name: 'Executions' }).waitFor();
    const rows = page.getByRole('row').filter({ hasText: 'heartbeat' });
    const seen = await rows.count();
    // No reload: the list shows newer ones as the schedule makes them.
    await page.waitForFunction((before) => document.querySelectorAll('tbody tr').length >= before + 2, seen, { timeout: 10_000 });
    assert.ok((await rows.filter({ hasText: 'schedule' }).count()) >= 2);
    assert.ok(f.receiver.requests.length >= 2);
    assert.deepEqual(elsewhere, []);
    await page.close();
    await f.node.api('POST', '/api/v1/jobs/heartbeat/pause');
  });
});
