import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { SCREENS, consoleFixture, openConsole } from './console-support.js';

const TOKEN = 'jobs-console-token-2k9x';

describe('the console: jobs', () => {
  const f = consoleFixture({ config: { api_token: TOKEN } });
  const api = (method: string, path: string, body?: unknown) => f.node.api(method, path, body, { authorization: `Bearer ${TOKEN}` });

  test('the new-job form explains its cron, previews the next five runs, shows a refusal at its field, and creates the job', async () => {
    const page = await openConsole(f.browser, f.node.url, '/jobs/new', TOKEN);
    await page.getByLabel('Id').fill('nightly-report');
    await page.getByLabel('URL').fill(`${f.receiver.url}/report`);
    await page.getByLabel('Body').fill('{"report": "nightly", "for": "{{.ScheduledTime}}"}');
    await page.getByLabel('Cron schedule').fill('61 * * * *');
    await page.getByRole('button', { name: 'Create job' }).click();
    const cronError = page.locator('#cron-error');
    await cronError.waitFor();
    assert.match(await cronError.innerText(), /^schedule: invalid cron expression/);

    await page.getByLabel('Cron schedule').fill('30 2 * * *');
    await page.getByLabel('Time zone').fill('Europe/Berlin');
    const preview = page.getByLabel('Schedule preview');
    await preview.getByText('At 02:30').waitFor();
    await preview.locator('li').nth(4).waitFor();
    assert.equal(await preview.locator('li').count(), 5);
    const expected = (await api('POST', '/api/v1/schedules/preview', { schedule: { cron: '30 2 * * *', timezone: 'Europe/Berlin' } })).body.next;
    assert.deepEqual(await preview.locator('time').evaluateAll((els) => els.map((e) => e.getAttribute('datetime'))), expected);
    if (SCREENS) await page.screenshot({ path: join(SCREENS, 'new-job.png'), fullPage: true });

    await page.getByRole('button', { name: 'Create job' }).click();
    await page.getByRole('heading', { name: 'nightly-report' }).waitFor();
    const job = (await api('GET', '/api/v1/jobs/nightly-report')).body;
    assert.deepEqual(job.schedule, { cron: '30 2 * * *', timezone: 'Europe/Berlin' });
    assert.match(await page.getByLabel('Definition').inputValue(), /cron: 30 2 \* \* \*/);
    await page.close();
  });

  test('the jobs list says the schedule in words; its switch pauses and resumes the job', async () => {
    const page = await openConsole(f.browser, f.node.url, '/jobs', TOKEN);
    const row = page.getByRole('row').filter({ hasText: 'nightly-report' });
    await row.getByText('At 02:30 (Europe/Berlin)').waitFor();
    await row.getByText('never run').waitFor();
    await row.getByRole('switch').click();
    await row.getByText('paused').waitFor();
    assert.equal((await api('GET', '/api/v1/jobs/nightly-report')).body.enabled, false);
    await row.getByRole('switch').click();
    await row.getByText('on', { exact: true }).waitFor();
    assert.equal((await api('GET', '/api/v1/jobs/nightly-report')).body.enabled, true);
    if (SCREENS) await page.screenshot({ path: join(SCREENS, 'jobs.png') });
    await page.close();
  });

  test("a job's definition is edited in YAML or JSON; a refusal names its field; trigger now runs it with a body", async () => {
    const page = await openConsole(f.browser, f.node.url, '/jobs/nightly-report', TOKEN);
    const editor = page.getByLabel('Definition');
    await page.getByRole('button', { name: 'JSON' }).click();
    assert.match(await editor.inputValue(), /^\{\n {2}"id": "nightly-report"/);
    await page.getByRole('button', { name: 'YAML' }).click();
    const yaml = await editor.inputValue();
    await editor.fill(yaml.replace(/^webhook:\n/m, 'webhook:\n  timeout: 30\n'));
    await page.getByRole('button', { name: 'Save' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'webhook.timeout' });
    await refusal.waitFor();
    assert.match(await refusal.innerText(), /webhook\.timeout expected a duration like "30s", got a number/);
    await editor.fill(yaml.replace(/^webhook:\n/m, 'webhook:\n  timeout: 10s\n'));
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved (configured).').waitFor();
    assert.equal((await api('GET', '/api/v1/jobs/nightly-report')).body.webhook.timeout, '10s');

    await page.getByText('Trigger now').click();
    await page.getByLabel(/^Body/).fill('{"reason": "from the console"}');
    await page.getByRole('button', { name: 'Run nightly-report now' }).click();
    await page.getByLabel('Trigger input').getByText('"reason": "from the console"').waitFor();
    await page.locator('.facts .status.succeeded').waitFor({ timeout: 5000 });
    const sent = f.receiver.requests.at(-1)!;
    assert.equal(sent.path, '/report');
    assert.match(sent.body, /"report":"nightly"/);
    await page.close();
  });
});
