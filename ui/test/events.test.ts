import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { SCREENS, consoleFixture, openConsole } from './console-support.js';
import { waitUntil } from '../../test/support/wait.js';

describe('the console: events, endpoint health and replay', () => {
  let up = false;
  const f = consoleFixture({ respond: (req, res) => void res.writeHead(req.path === '/flaky' && !up ? 500 : 200).end() });

  test('events are listed live and shown with their deliveries; an endpoint is paused and resumed; a replay shows its count before it sends', async () => {
    const once = { max_attempts: 1 };
    for (const [name, path] of [['books', '/books'], ['flaky', '/flaky']]) {
      const res = await f.node.api('PUT', `/api/v1/endpoints/${name}`, { url: `${f.receiver.url}${path}`, subscriptions: ['invoice.*'], retry_policy: once, filter: 'payload.amount > 0' });
      assert.equal(res.status, 201, res.text);
    }
    const page = await openConsole(f.browser, f.node.url, '/events');
    for (let n = 1; n <= 3; n++) assert.equal((await f.node.api('POST', '/api/v1/events', { type: 'invoice.paid', id: `evt-ui-${n}`, payload: { invoice: `in_${n}`, amount: n * 100 } })).status, 202);
    await page.getByRole('row').filter({ hasText: 'evt-ui-3' }).filter({ hasText: 'failed' }).waitFor();
    if (SCREENS) await page.screenshot({ path: join(SCREENS, 'events.png'), fullPage: true });

    await page.getByRole('link', { name: 'evt-ui-3' }).click();
    await page.getByRole('heading', { name: 'Deliveries' }).waitFor();
    const books = page.getByRole('row').filter({ hasText: 'books' });
    await books.getByText('succeeded').waitFor();
    await page.getByRole('row').filter({ hasText: 'flaky' }).getByText('failed').waitFor();
    await page.getByText('"amount": 300').waitFor();
    await page.getByRole('row').filter({ hasText: 'flaky' }).getByRole('button', { name: '1 of 1' }).click();
    await page.getByRole('region', { name: 'Attempts to flaky' }).getByText('500').waitFor();
    if (SCREENS) await page.screenshot({ path: join(SCREENS, 'event.png'), fullPage: true });
    await page.getByRole('button', { name: 'Resend to books' }).click();
    await waitUntil(() => f.receiver.requests.filter((r) => r.path === '/books' && JSON.parse(r.body).invoice === 'in_3').length === 2, 10_000, 'the resend');

    // The endpoint's page: its health, paused and resumed.
    await page.getByRole('link', { name: 'flaky' }).click();
    await page.getByRole('heading', { name: 'Health' }).waitFor();
    await page.getByRole('img', { name: 'Share succeeded over time: 0%' }).waitFor();
    assert.equal(await page.getByLabel(/^Subscriptions/).inputValue(), 'invoice.*');
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('button', { name: 'Resume' }).waitFor();
    assert.equal((await f.node.api('GET', '/api/v1/endpoints/flaky')).body.health.state, 'paused');
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByRole('button', { name: 'Pause' }).waitFor();

    // Replay: the count first, then the send with that count on its button.
    await page.getByRole('button', { name: 'Count' }).click();
    await page.getByRole('status').filter({ hasText: '3 to send again.' }).waitFor();
    if (SCREENS) await page.screenshot({ path: join(SCREENS, 'endpoint-health.png'), fullPage: true });
    up = true;
    const before = f.receiver.requests.filter((r) => r.path === '/flaky').length;
    await page.getByRole('button', { name: 'Send 3 deliveries' }).click();
    await page.getByRole('status').filter({ hasText: 'Sent 3 deliveries.' }).waitFor();
    await waitUntil(() => f.receiver.requests.filter((r) => r.path === '/flaky').length === before + 3, 10_000, 'the three replayed deliveries');

    // Saving the form keeps what it does not show (the filter).
    await page.getByLabel('Timeout').fill('12s');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'Endpoints' }).waitFor();
    const saved = (await f.node.api('GET', '/api/v1/endpoints/flaky')).body;
    assert.deepEqual([saved.timeout, saved.filter, saved.subscriptions], ['12s', 'payload.amount > 0', ['invoice.*']]);
    await page.close();
  });

  test("an event shows the endpoints whose filter could not be evaluated, and why", async () => {
    const made = await f.node.api('PUT', '/api/v1/endpoints/picky', { url: `${f.receiver.url}/picky`, subscriptions: ['parcel.*'], filter: 'payload.parcel.weight > 1' });
    assert.equal(made.status, 201, made.text);
    const published = await f.node.api('POST', '/api/v1/events', { type: 'parcel.sent', id: 'evt-no-parcel', payload: { note: 'no parcel' } });
    assert.equal(published.status, 202);
    const page = await openConsole(f.browser, f.node.url, '/events/evt-no-parcel');
    const region = page.getByRole('region', { name: 'Filters not evaluated' });
    await region.getByRole('link', { name: 'picky' }).waitFor();
    await region.getByText(/the filter could not be evaluated/).waitFor();
    // The list filters by status: the event with no delivery succeeded; none is failed but the earlier test's.
    await page.getByRole('link', { name: '← Events' }).click();
    await page.getByLabel('Status').selectOption('succeeded');
    await page.getByRole('link', { name: 'evt-no-parcel' }).waitFor();
    await page.getByLabel('Status').selectOption('failed');
    await page.getByRole('link', { name: 'evt-no-parcel' }).waitFor({ state: 'detached' });
    assert.match(page.url(), /status=failed/);
    await page.close();
  });
});
