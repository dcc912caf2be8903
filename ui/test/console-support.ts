import type { Browser, Page } from 'playwright-core';

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
