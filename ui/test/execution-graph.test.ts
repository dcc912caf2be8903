import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../../test/support/browser.js';
import { startNode, type Running } from '../../test/support/harness.js';
import { startReceiver, type Receiver } from '../../test/support/receiver.js';
import { STORE_KINDS, type TestDatabase } from '../../test/support/stores.js';
import { openConsole } from './console-support.js';

const SCREENS = process.env.HOOKLINE_SCREENSHOTS ? new URL('../../docs/screens/', import.meta.url).pathname : undefined;

describe('the console: an execution of tasks', () => {
  let db: TestDatabase;
  let node: Running;
  let receiver: Receiver;
  let browser: Browser;
  before(async () => {
    db = STORE_KINDS[0].create();
    receiver = await startReceiver((req, res) => void res.writeHead(req.path === '/lint' ? 500 : 200).end('{}'));
    node = await startNode(db);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await node?.close();
    await receiver?.close();
    await db?.drop();
  });

  test('shows the tasks as a graph of their dependencies and states, and every attempt on a timeline', async () => {
    const url = (path: string) => ({ url: `${receiver.url}/${path}` });
    assert.equal(
      (
        await node.api('PUT', '/api/v1/jobs/release', {
          retry_policy: { max_attempts: 1 },
          tasks: [
            { name: 'build', webhook: url('build') },
            { name: 'test', depends_on: ['build'], webhook: url('test') },
            { name: 'lint', depends_on: ['build'], webhook: url('lint') },
            { name: 'publish', depends_on: ['test', 'lint'], webhook: url('publish') },
          ],
        })
      ).status,
      201,
    );
    const started = await node.api('POST', '/api/v1/jobs/release/trigger');
    const page = await openConsole(browser, node.url, `/executions/${started.body.id}`);
    await page.locator('.facts .status.failed').waitFor({ timeout: 5000 });
    const graph = page.getByRole('img', { name: 'Task graph' });
    for (const [task, status] of [['build', 'succeeded'], ['test', 'succeeded'], ['lint', 'failed'], ['publish', 'skipped']]) {
      await graph.getByLabel(`${task}: ${status}`).waitFor();
    }
    assert.equal(await graph.locator('line.edge').count(), 4);
    // Tasks of one depth stand in one column: test and lint after build, publish after both.
    const x = async (task: string) => (await graph.getByLabel(new RegExp(`^${task}:`)).boundingBox())!.x;
    assert.ok((await x('build')) < (await x('test')) && (await x('test')) === (await x('lint')) && (await x('lint')) < (await x('publish')));
    assert.equal(await page.getByRole('list', { name: 'Timeline' }).getByRole('listitem').count(), 3);
    if (SCREENS) await page.screenshot({ path: join(SCREENS, 'tasks.png'), fullPage: true });
    await page.close();
  });
});
