import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { SCREENS, consoleFixture, openConsole } from './console-support.js';

describe('the console: endpoints', () => {
  const f = consoleFixture();

  test("VergeOS' form: every field of an endpoint is set, the default Content-Type removed; edited; refused to delete while a job uses it; deleted", async () => {
    const page = await openConsole(f.browser, f.node.url, '/endpoints/new');
    await page.getByLabel('Name', { exact: true }).fill('billing');
    await page.getByLabel('URL').fill('https://billing.example.com/events');
    await page.getByLabel('Authorization type').selectOption('bearer');
    await page.getByLabel('Bearer token').fill('billing-token-123');
    assert.equal(await page.getByLabel('Header 1 name').inputValue(), 'Content-Type');
    await page.getByRole('button', { name: 'Remove header Content-Type' }).click();
    await page.getByRole('button', { name: 'Add header' }).click();
    await page.getByLabel('Header 1 name').fill('X-Source');
    await page.getByLabel('Header 1 value').fill('hookline');
    await page.getByLabel('Allow insecure certificates').check();
    await page.getByLabel('Timeout').fill('10s');
    await page.getByLabel(/^Attempts/).fill('5');
    if (SCREENS) await page.screenshot({ path: join(SCREENS, 'endpoint.png'), fullPage: true });
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    await page.getByRole('row').filter({ hasText: 'billing' }).waitFor();

    const made = (await f.node.api('GET', '/api/v1/endpoints/billing')).body;
    assert.deepEqual(
      { url: made.url, auth: made.auth, headers: made.headers, tls: made.tls_skip_verify, timeout: made.timeout, attempts: made.retry_policy.max_attempts },
      { url: 'https://billing.example.com/events', auth: { type: 'bearer', token: '***' }, headers: { 'X-Source': 'hookline' }, tls: true, timeout: '10s', attempts: 5 },
    );

    await page.getByRole('link', { name: 'billing' }).click();
    await page.getByLabel('URL').fill('https://billing.example.com/v2/events');
    await page.getByLabel('Timeout').fill('ten seconds');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('alert').filter({ hasText: 'timeout' }).waitFor();
    await page.getByLabel('Timeout').fill('15s');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'Endpoints' }).waitFor();
    const edited = (await f.node.api('GET', '/api/v1/endpoints/billing')).body;
    assert.equal(edited.url, 'https://billing.example.com/v2/events');
    assert.equal(edited.auth.token, '***', 'the stored token is kept');

    assert.equal((await f.node.api('PUT', '/api/v1/jobs/invoice', { webhook: { endpoint: 'billing' } })).status, 201);
    await page.getByRole('link', { name: 'billing' }).click();
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('alert').filter({ hasText: 'used by the jobs invoice' }).waitFor();
    assert.equal((await f.node.api('DELETE', '/api/v1/jobs/invoice')).status, 204);
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No endpoint yet.').waitFor();
    assert.equal((await f.node.api('GET', '/api/v1/endpoints/billing')).status, 404);
    await page.close();
  });
});
