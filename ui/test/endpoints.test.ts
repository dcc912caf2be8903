import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { SCREENS, consoleFixture, openConsole } from './console-support.js';
import { waitUntil } from '../../test/support/wait.js';

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

  test("an endpoint's page shows its success rate and recent attempts, each leading to its execution; the overview names it among the failing", async () => {
    f.receiver.respond((req, res) => void res.writeHead(req.path === '/down' ? 503 : 200).end('fine'));
    for (const [name, path] of [['orders', '/up'], ['ledger', '/down']]) {
      assert.equal((await f.node.api('PUT', `/api/v1/endpoints/${name}`, { url: `${f.receiver.url}${path}`, retry_policy: { max_attempts: 1 } })).status, 201);
    }
    assert.equal((await f.node.api('PUT', '/api/v1/jobs/ship', { tasks: [{ name: 'order', webhook: { endpoint: 'orders' } }, { name: 'book', depends_on: ['order'], webhook: { endpoint: 'ledger' } }] })).status, 201);
    for (let i = 0; i < 2; i++) {
      const id = (await f.node.api('POST', '/api/v1/jobs/ship/trigger', {})).body.id;
      await waitUntil(async () => (await f.node.api('GET', `/api/v1/jobs/ship/executions/${id}`)).body.status === 'failed');
    }
    const page = await openConsole(f.browser, f.node.url, '/endpoints/ledger');
    await page.getByLabel('Success rate').filter({ hasText: '0.0%' }).waitFor();
    assert.match(await page.getByLabel('Success rate').innerText(), /0 of 2 attempts/);
    const rows = page.getByRole('table', { name: 'Recent attempts' }).getByRole('row').filter({ hasText: 'HTTP 503' });
    // The attempts are read apart from the success rate: count them once the second is shown.
    await rows.nth(1).waitFor();
    assert.equal(await rows.count(), 2);
    assert.match(await rows.first().innerText(), /failed\s+503.*ship\s+book/s);
    if (SCREENS) await page.screenshot({ path: join(SCREENS, 'endpoint-deliveries.png'), fullPage: true });
    const short = (await rows.first().getByRole('link', { name: /…$/ }).innerText()).replace('…', '');
    await rows.first().getByRole('link', { name: /…$/ }).click();
    await page.getByRole('heading', { name: new RegExp(`^ship ${short}`) }).waitFor();
    await page.getByLabel('Attempt 1 of book').getByRole('link', { name: 'ledger' }).waitFor();

    await page.goto(`${f.node.url}/endpoints/orders`);
    await page.getByLabel('Success rate').filter({ hasText: '100.0%' }).waitFor();
    await page.goto(`${f.node.url}/`);
    await page.getByRole('table', { name: 'Failing endpoints' }).getByRole('link', { name: 'endpoint ledger' }).click();
    await page.getByRole('heading', { name: 'ledger' }).waitFor();
    await page.close();
  });
});
