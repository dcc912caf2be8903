import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { consoleFixture, SCREENS } from './console-support.js';
import type { Page } from 'playwright-core';
import { waitUntil } from '../../test/support/wait.js';
import { cspViolations } from '../../test/support/browser.js';
import { CONSOLE_POLICY } from '../../src/api/security-headers.js';

const TOKEN = 'console-test-token-7f3k2m9x';

describe('the console, in a real browser', () => {
  let failing = true;
  const f = consoleFixture({
    config: { api_token: TOKEN },
    respond: (req, res) => {
      const fail = req.path === '/orders' && failing;
      res.writeHead(fail ? 500 : 200, { 'content-type': 'application/json' }).end(JSON.stringify(fail ? { error: 'orders database is down' } : { accepted: true }));
    },
  });

  /** A page whose every request is recorded, to check that the token never travels in a URL. */
  async function openPage(): Promise<{ page: Page; urls: string[] }> {
    const page = await f.browser.newPage({ viewport: { width: 1366, height: 900 } });
    const urls: string[] = [];
    page.on('request', (r) => void urls.push(r.url()));
    return { page, urls };
  }

  const api = (method: string, path: string, body?: unknown) => f.node.api(method, path, body, { authorization: `Bearer ${TOKEN}` });

  test('asks for the token and shows nothing without it; a wrong token is refused; the right one opens it', async () => {
    const { page, urls } = await openPage();
    await page.goto(`${f.node.url}/`);
    await page.getByLabel('API token').waitFor();
    assert.equal(await page.locator('table').count(), 0, 'no data is shown before logging in');
    await page.getByLabel('API token').fill('not-the-token');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').filter({ hasText: 'That token is not the one this server takes.' }).waitFor();
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    assert.ok(urls.every((u) => !u.includes(TOKEN) && !u.includes('not-the-token')), 'the token never goes into a URL');
    assert.ok(f.node.logs.every((line) => !line.includes(TOKEN)), 'nor into a log line');
    await page.close();
  });

  test('executions appear without a reload; an attempt shows its status and answer; a failed one is retried from the console', async () => {
    const { page } = await openPage();
    await page.goto(`${f.node.url}/executions`);
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Executions' }).waitFor();

    assert.equal((await api('PUT', '/api/v1/jobs/sync-orders', { namespace: 'shop', retry_policy: { max_attempts: 1 }, webhook: { url: `${f.receiver.url}/orders`, body: { since: '{{ trigger.body.since }}' } } })).status, 201);
    const started = await api('POST', '/api/v1/jobs/sync-orders/trigger', { since: '2026-11-01' });
    assert.equal(started.status, 202);
    const row = page.getByRole('row').filter({ hasText: 'sync-orders' });
    await row.getByText('failed').waitFor({ timeout: 5000 });
    if (SCREENS) await page.screenshot({ path: join(SCREENS, 'executions.png') });

    await row.getByRole('link').click();
    await page.getByRole('heading', { name: /sync-orders/ }).waitFor();
    const first = page.getByRole('listitem', { name: 'Attempt 1' });
    assert.match(await first.locator('.status-code').innerText(), /^500$/);
    assert.match(await first.getByLabel('Response body').innerText(), /"error": "orders database is down"/);
    const sent = await first.locator('pre').first().innerText();
    assert.match(sent, new RegExp(`^POST ${f.receiver.url}/orders`));
    assert.match(sent, /"since": "2026-11-01"/, 'the request body sent is shown');
    assert.match(await page.getByLabel('Trigger input').innerText(), /"since": "2026-11-01"/);

    failing = false;
    await page.getByRole('button', { name: 'Retry failed tasks' }).click();
    await page.locator('.facts .status.succeeded').waitFor({ timeout: 5000 });
    const second = page.getByRole('listitem', { name: 'Attempt 2' });
    assert.match(await second.locator('.status-code').innerText(), /^200$/);
    if (SCREENS) await page.screenshot({ path: join(SCREENS, 'execution.png'), fullPage: true });
    assert.equal((await api('GET', `/api/v1/executions/${started.body.id}`)).body.status, 'succeeded');
    await page.close();
  });

  test('the executions list filters by status and job, kept in the address', async () => {
    const { page } = await openPage();
    await page.goto(`${f.node.url}/executions`);
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Log in' }).click();
    assert.equal((await api('PUT', '/api/v1/jobs/other', { webhook: { url: `${f.receiver.url}/other` } })).status, 201);
    await api('POST', '/api/v1/jobs/other/trigger');
    await page.getByRole('row').filter({ hasText: 'other' }).waitFor();
    await page.getByLabel('Job').fill('sync-orders');
    await page.getByLabel('Job').press('Enter');
    await page.waitForURL(/\?job=sync-orders$/);
    await page.getByRole('row').filter({ hasText: 'other' }).waitFor({ state: 'detached' });
    await page.getByRole('row').filter({ hasText: 'sync-orders' }).first().waitFor();
    await page.getByLabel('Status').selectOption('failed');
    await page.waitForURL(/status=failed/);
    await page.getByText('No execution matches.').waitFor();
    await page.close();
  });

  test('the executions list filters by error text and time, and pages to older executions', async () => {
    failing = true;
    const failed = (await api('POST', '/api/v1/jobs/sync-orders/trigger', { since: '2026-11-02' })).body.id;
    await waitUntil(async () => (await api('GET', `/api/v1/executions/${failed}`)).body.status === 'failed');
    failing = false;
    const { page } = await openPage();
    await page.goto(`${f.node.url}/executions`);
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Executions' }).waitFor();
    await page.getByLabel('Error text').fill('http 500');
    await page.getByLabel('Error text').press('Enter');
    await page.waitForURL(/\?error=http\+500$/);
    await page.getByRole('row').filter({ hasText: 'other' }).waitFor({ state: 'detached' });
    await page.getByRole('row').filter({ hasText: failed.slice(0, 8) }).waitFor();
    await page.getByLabel('Error text').fill('');
    await page.getByLabel('Error text').press('Enter');
    await page.getByLabel('Since').fill('2099-01-01T00:00');
    await page.waitForURL(/since=2099-01-01T/);
    await page.getByText('No execution matches.').waitFor();
    await page.getByLabel('Since').fill('');
    await page.waitForURL(/\/executions$/);

    for (let i = 0; i < 101; i++) assert.equal((await api('POST', '/api/v1/jobs/other/trigger')).status, 202);
    await page.getByLabel('Job').fill('other');
    await page.getByLabel('Job').press('Enter');
    const rows = page.locator('tbody tr');
    await waitUntil(async () => (await rows.count()) === 100);
    await page.getByRole('button', { name: 'Older →' }).click();
    await page.waitForURL(/cursor=/);
    await waitUntil(async () => (await rows.count()) === 2, 5000, 'the older page: 102 executions of other, 100 a page');
    await page.getByRole('button', { name: '← Newest' }).click();
    await waitUntil(async () => (await rows.count()) === 100);
    await page.close();
  });

  test("the webhook tester makes one call and shows its status, body and time", async () => {
    const { page } = await openPage();
    await page.goto(`${f.node.url}/tester`);
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByLabel('URL').fill(`${f.receiver.url}/orders`);
    await page.getByLabel('Body').fill('{"ping": 1}');
    await page.getByRole('button', { name: 'Send' }).click();
    const result = page.getByLabel('Result');
    await result.waitFor();
    assert.equal(await result.locator('.status-code').innerText(), '200');
    assert.match(await result.getByLabel('Response body').innerText(), /"accepted": true/);
    assert.match(await result.getByLabel('Response headers').innerText(), /^content-type: application\/json$/m);
    const last = f.receiver.requests.at(-1)!;
    assert.equal(last.body, '{"ping": 1}');
    await page.close();
  });

  test('the overview shows the deliveries by outcome, the success rate, and the job failing most', async () => {
    const { page } = await openPage();
    await page.goto(`${f.node.url}/`);
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    const expected = (await api('GET', '/api/v1/overview')).body;
    assert.ok(expected.attempts >= 3);
    assert.equal(await page.getByLabel('Deliveries', { exact: true }).locator('.big').innerText(), String(expected.attempts));
    assert.equal(await page.getByLabel('Success rate').locator('.big').innerText(), `${(expected.success_rate * 100).toFixed(1)}%`);
    assert.ok((await page.locator('svg.chart rect.bar.http_5xx').count()) >= 1, 'the failed delivery is drawn');
    assert.ok((await page.locator('svg.chart rect.bar.success').count()) >= 1);
    await page.getByLabel('Failing jobs').getByRole('link', { name: 'sync-orders' }).waitFor();
    if (SCREENS) await page.screenshot({ path: join(SCREENS, 'overview.png') });
    await page.getByRole('button', { name: 'Last day' }).click();
    await page.getByRole('heading', { name: 'Deliveries per 15 minutes' }).waitFor();
    await page.close();
  });

  test('is sent with a strict Content-Security-Policy, works under it on every page, and cannot be framed', async () => {
    const { page } = await openPage();
    const refused = cspViolations(page);
    const answer = await page.goto(`${f.node.url}/`);
    assert.equal(answer?.headers()['content-security-policy'], CONSOLE_POLICY);
    assert.equal(answer?.headers()['x-frame-options'], 'DENY');
    assert.equal(answer?.headers()['x-content-type-options'], 'nosniff');
    // Its icon is served without the token, as its other files are.
    const icon = await fetch(`${f.node.url}${await page.locator('link[rel=icon]').getAttribute('href')}`);
    assert.deepEqual([icon.status, icon.headers.get('content-type')], [200, 'image/svg+xml']);
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Log in' }).click();
    for (const heading of ['Executions', 'Jobs', 'Hooks', 'Endpoints', 'Events', 'Overview']) {
      await page.getByRole('link', { name: heading, exact: true }).first().click();
      await page.getByRole('heading', { name: heading }).first().waitFor();
    }
    assert.deepEqual(refused, []);

    // A page of another origin framing the console gets Chromium's error page in the frame, not the console.
    const framing = await f.browser.newPage();
    await framing.route('http://framing.test/', (route) => route.fulfill({ contentType: 'text/html', body: `<iframe src="${f.node.url}/"></iframe>` }));
    await framing.goto('http://framing.test/', { waitUntil: 'load' });
    const frame = framing.frames().find((fr) => fr !== framing.mainFrame())!;
    await waitUntil(() => frame.url().startsWith('chrome-error:'), 5000, () => `the frame to be refused; it shows ${frame.url()}`);
    await framing.close();
    await page.close();
  });
});
