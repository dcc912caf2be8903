import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { SCREENS, consoleFixture, openConsole } from './console-support.js';

const TOKEN = 'hooks-console-token-5m1q';

describe('the console: hooks', () => {
  const f = consoleFixture({ config: { api_token: TOKEN } });
  const api = (method: string, path: string, body?: unknown) => f.node.api(method, path, body, { authorization: `Bearer ${TOKEN}` });

  test('a hook made in the console shows its curl once; called, it logs the call; a test shows its payload first; disabled, it refuses calls', async () => {
    assert.equal((await api('PUT', '/api/v1/jobs/deploy', { namespace: 'ci', webhook: { url: `${f.receiver.url}/deploy`, body: { msg: '{{ trigger.body.message }}' } } })).status, 201);
    const page = await openConsole(f.browser, f.node.url, '/jobs/deploy', TOKEN);
    await page.getByText('Add a hook').click();
    await page.getByLabel(/^Secret/).fill('ci-shared-secret');
    await page.getByRole('button', { name: 'Add hook' }).click();
    const curl = await page.getByLabel('New hook curl').innerText();
    const url = /curl -X POST '([^']+)'/.exec(curl)![1];
    assert.match(url, new RegExp(`^${f.node.url}/api/v1/executions/webhook/ci/deploy/[A-Za-z0-9._~-]{16,}$`));
    assert.match(curl, /-H 'X-Webhook-Secret: ci-shared-secret'/);

    // The copied command, run as a user would.
    const called = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-webhook-secret': 'ci-shared-secret' }, body: '{"message": "hello"}' });
    assert.equal(called.status, 200);
    await f.receiver.waitFor(1);

    await page.getByRole('link', { name: 'Hooks' }).click();
    const row = page.getByRole('row').filter({ hasText: 'deploy' });
    await row.getByText('active').waitFor();
    assert.doesNotMatch(await row.innerText(), /–\s*$/, 'last triggered is shown');
    if (SCREENS) await page.screenshot({ path: join(SCREENS, 'hooks.png') });
    await row.getByRole('link', { name: 'webhook' }).click();
    const calls = page.getByRole('row').filter({ hasText: 'accepted' });
    await calls.first().waitFor();
    assert.match(await calls.first().innerText(), /"message": "hello"/);
    assert.match(await page.getByLabel('curl', { exact: true }).innerText(), /\/api\/v1\/executions\/webhook\/ci\/deploy\/\*\*\*'/);

    await page.getByText('Test', { exact: true }).click();
    assert.match(await page.getByLabel(/^Test payload/).inputValue(), /"message": "Test event from Hookline"/);
    await page.getByRole('button', { name: 'Send test' }).click();
    await page.getByRole('status').filter({ hasText: 'accepted' }).waitFor();
    await page.getByRole('row').filter({ hasText: '(test)' }).waitFor();

    await page.getByRole('switch').click();
    await page.getByText('disabled', { exact: true }).first().waitFor();
    const refused = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-webhook-secret': 'ci-shared-secret' }, body: '{"message": "again"}' });
    assert.equal(refused.status, 403);
    await page.getByRole('row').filter({ hasText: 'rejected' }).waitFor();
    if (SCREENS) await page.screenshot({ path: join(SCREENS, 'hook.png'), fullPage: true });
    await page.close();
  });
});
