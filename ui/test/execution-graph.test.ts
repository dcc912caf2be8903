import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { SCREENS, consoleFixture, openConsole } from './console-support.js';

describe('the console: an execution of tasks', () => {
  const f = consoleFixture({ respond: (req, res) => void res.writeHead(req.path === '/lint' ? 500 : 200).end('{}') });

  test('shows the tasks as a graph of their dependencies and states, and every attempt on a timeline', async () => {
    const url = (path: string) => ({ url: `${f.receiver.url}/${path}` });
    assert.equal(
      (
        await f.node.api('PUT', '/api/v1/jobs/release', {
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
    const started = await f.node.api('POST', '/api/v1/jobs/release/trigger');
    const page = await openConsole(f.browser, f.node.url, `/executions/${started.body.id}`);
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
