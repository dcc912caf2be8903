import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { waitUntil } from '../../test/support/wait.js';
import { consoleFixture, openConsole } from './console-support.js';

/** What has the focus: its tag, role and name, whether it is in view, and whether its focus ring shows. */
const FOCUSED = () => {
  const el = document.activeElement as HTMLElement | null;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const field = el as HTMLInputElement;
  const name = (el.getAttribute('aria-label') ?? field.labels?.[0]?.textContent ?? (field.name || el.textContent) ?? '').trim().slice(0, 60);
  return { key: `${el.tagName.toLowerCase()}#${el.id}|${name}`, ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0 };
};

/** Everything shown on the page that a mouse could use: links, buttons, fields (not what a closed <details> holds). */
const INTERACTIVE = () =>
  [...document.querySelectorAll<HTMLElement>('a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])')]
    .filter((el) => !(el as HTMLButtonElement).disabled && el.checkVisibility({ visibilityProperty: true, contentVisibilityAuto: true }))
    .map((el) => {
      const field = el as HTMLInputElement;
      const name = (el.getAttribute('aria-label') ?? field.labels?.[0]?.textContent ?? (field.name || el.textContent) ?? '').trim().slice(0, 60);
      return `${el.tagName.toLowerCase()}#${el.id}|${name}`;
    });

/** Tabs from the top of the page until focus comes back round; returns the keys in order. */
async function tabThrough(page: Page): Promise<Array<{ key: string; ring: boolean }>> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  const seen: Array<{ key: string; ring: boolean }> = [];
  for (let i = 0; i < 400; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(FOCUSED);
    if (!focused || (seen.length > 0 && focused.key === seen[0].key)) break;
    // A date field's parts (day, month, ...) are Tab stops of one field.
    if (focused.key !== seen.at(-1)?.key) seen.push(focused);
  }
  return seen;
}

describe('the console by keyboard alone', () => {
  const f = consoleFixture({ respond: (req, res) => void res.writeHead(req.path === '/fail' ? 500 : 200).end('{}') });

  test('on every screen, Tab reaches every link, button and field, each showing its focus ring, and leads out again; nothing is fetched from elsewhere', async () => {
    const ok = await f.node.api('PUT', '/api/v1/endpoints/keys', { url: `${f.receiver.url}/ok` });
    assert.equal(ok.status, 201);
    const job = await f.node.api('PUT', '/api/v1/jobs/keyed', {
      schedule: { cron: '0 3 * * *' },
      retry_policy: { max_attempts: 1 },
      tasks: [{ name: 'first', webhook: { endpoint: 'keys' } }, { name: 'second', depends_on: ['first'], webhook: { url: `${f.receiver.url}/fail` } }],
      triggers: [{ id: 'push', type: 'webhook', key: 'keyboard-hook-key-0123456789' }],
    });
    assert.equal(job.status, 201, job.text);
    const started = (await f.node.api('POST', '/api/v1/jobs/keyed/trigger', {})).body.id;
    await waitUntil(async () => (await f.node.api('GET', `/api/v1/executions/${started}`)).body.status === 'failed');
    const hook = (await f.node.api('GET', '/api/v1/hooks')).body.items[0].id;

    const page = await openConsole(f.browser, f.node.url, '/');
    // No font, script or picture comes from anywhere but the node: the console works offline.
    const elsewhere: string[] = [];
    page.on('request', (r) => void (r.url().startsWith(f.node.url) || elsewhere.push(r.url())));
    for (const path of ['/', '/executions', `/executions/${started}`, '/jobs', '/jobs/new', '/jobs/keyed', '/hooks', `/hooks/${hook}`, '/endpoints', '/endpoints/keys', '/endpoints/new', '/tester']) {
      await page.goto(`${f.node.url}${path}`);
      await page.locator('main h1').first().waitFor();
      await page.waitForLoadState('networkidle');
      const reached = await tabThrough(page);
      const all = await page.evaluate(INTERACTIVE);
      assert.equal(reached[0]?.key, 'a#|Skip to content', `${path}: the first Tab offers to skip the menu`);
      const missed = all.filter((key) => !reached.some((r) => r.key === key));
      assert.deepEqual(missed, [], `${path}: reached by Tab`);
      const ringless = reached.filter((r) => !r.ring).map((r) => r.key);
      assert.deepEqual(ringless, [], `${path}: a visible focus ring on each`);
    }
    assert.deepEqual(elsewhere, []);
    await page.close();
  });

  test('the menu is skipped with Enter, a page followed from the menu starts at its content, and work gets done with keys alone', async () => {
    const page = await openConsole(f.browser, f.node.url, '/jobs');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'main', 'Skip to content moves focus to the page');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.closest('main') !== null), true, 'the next Tab is inside the page');

    // Follow "Endpoints" from the menu: focus moves to the new page's content.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Endpoints' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Endpoints' }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');

    // A new endpoint, typed and sent with Enter.
    await page.getByRole('link', { name: 'New endpoint' }).focus();
    await page.keyboard.press('Enter');
    await page.getByLabel('Name', { exact: true }).focus();
    await page.keyboard.type('typed');
    await page.keyboard.press('Tab');
    await page.keyboard.type('https://typed.example.com/in');
    await page.keyboard.press('Enter');
    await page.getByRole('row').filter({ hasText: 'typed' }).waitFor();
    assert.equal((await f.node.api('GET', '/api/v1/endpoints/typed')).body.url, 'https://typed.example.com/in');

    // Pause a job with the space bar on its switch.
    assert.equal((await f.node.api('PUT', '/api/v1/jobs/nightly', { schedule: { cron: '0 2 * * *' }, webhook: { endpoint: 'typed' } })).status, 201);
    await page.goto(`${f.node.url}/jobs`);
    await page.getByRole('switch', { name: 'nightly enabled' }).focus();
    await page.keyboard.press('Space');
    await waitUntil(async () => (await f.node.api('GET', '/api/v1/jobs/nightly')).body.enabled === false);

    // The overview's chart as numbers, opened from the keyboard.
    await page.goto(`${f.node.url}/`);
    await page.getByText('The numbers').focus();
    await page.keyboard.press('Enter');
    await page.getByRole('table', { name: 'Deliveries by time and outcome' }).waitFor();
    await page.close();
  });
});
