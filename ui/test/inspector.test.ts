import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { systemClock } from '../../src/clock.js';
import { SCREENS, consoleFixture, openConsole } from './console-support.js';

describe('the console: the inspector', () => {
  // The real clock: the job's retries come due as they would.
  const f = consoleFixture({ config: { egress: { allow: [] } }, clock: systemClock });

  test("a bin shows what it receives as it arrives, with headers and body; a job's failed then retried call lands there", async () => {
    const page = await openConsole(f.browser, f.node.url, '/inspector');
    await page.getByRole('textbox', { name: 'Bin' }).fill('ui-bin');
    await page.getByRole('button', { name: 'Open' }).click();
    await page.getByText('Nothing received yet').waitFor();

    const sent = await fetch(`${f.node.url}/inspect/ui-bin/orders?source=shop`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-shop': 'acme' }, body: '{"order":7}' });
    assert.equal(sent.status, 200);
    const row = page.getByRole('row').filter({ hasText: '/orders?source=shop' });
    await row.waitFor();
    await row.getByRole('button', { name: 'Show' }).click();
    const shown = page.getByRole('region', { name: 'Request POST /orders' });
    await shown.getByText('x-shop: acme').waitFor();
    await shown.getByText('"order": 7').waitFor();

    // A job calling this node's bin under the default egress policy: it fails once, is retried, and both calls show.
    const job = await f.node.api('PUT', '/api/v1/jobs/hello', { retry_policy: { max_attempts: 3, initial_interval: '1s' }, webhook: { url: `${f.node.url}/inspect/ui-bin/hello?fail=3`, body: { hello: 'world' } } });
    assert.equal(job.status, 201, job.text);
    assert.equal((await f.node.api('POST', '/api/v1/jobs/hello/trigger')).status, 202);
    const calls = page.getByRole('row').filter({ hasText: '/hello?fail=3' });
    await calls.nth(2).waitFor({ timeout: 10_000 });
    assert.deepEqual(await calls.locator('td:nth-child(4)').allInnerTexts(), ['200', '500', '500'], "newest first: the bin's first three requests fail (the order before them was one), then one is answered");
    if (SCREENS) await page.screenshot({ path: join(SCREENS, 'inspector.png') });
    await page.close();
  });
});
