import { after, before } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { Clock } from '../../src/clock.js';
import { launchBrowser } from '../../test/support/browser.js';
import { startNode, type Running } from '../../test/support/harness.js';
import { startReceiver, type Receiver, type Responder } from '../../test/support/receiver.js';
import { STORE_KINDS, type TestDatabase } from '../../test/support/stores.js';

/** A page of the console at `path`, logged in with `token` (when the server wants one). */
export async function openConsole(browser: Browser, url: string, path: string, token?: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  await page.goto(`${url}${path}`);
  if (token) {
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Log in' }).click();
  }
  await page.locator('main h1').first().waitFor();
  return page;
}

export interface ConsoleFixture {
  db: TestDatabase;
  node: Running;
  receiver: Receiver;
  browser: Browser;
}

/**
 * For a describe block: a node on a fresh SQLite file, a receiver answering as `respond` says, and
 * Chromium, made before its tests and closed after them. The fields are set once `before` ran.
 */
export function consoleFixture(options: { config?: Record<string, unknown>; clock?: Clock; respond?: Responder } = {}): ConsoleFixture {
  const f = {} as ConsoleFixture;
  before(async () => {
    f.db = STORE_KINDS[0].create();
    f.receiver = await startReceiver(options.respond);
    f.node = await startNode(f.db, { config: options.config, clock: options.clock });
    f.browser = await launchBrowser();
  });
  after(async () => {
    await f.browser?.close();
    await f.node?.close();
    await f.receiver?.close();
    await f.db?.drop();
  });
  return f;
}

/** With HOOKLINE_SCREENSHOTS set, the tests take the screens the README shows, into docs/screens. */
export const SCREENS = process.env.HOOKLINE_SCREENSHOTS ? new URL('../../docs/screens/', import.meta.url).pathname : undefined;
