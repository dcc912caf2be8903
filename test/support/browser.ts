import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium, headless; .ci/run installs it when it is missing. */
export const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}

/** Messages of a page that say the Content-Security-Policy refused something; a page the policy breaks shows some. */
export function cspViolations(page: import('playwright-core').Page): string[] {
  const seen: string[] = [];
  page.on('console', (m) => void (/Content Security Policy/i.test(m.text()) && seen.push(m.text())));
  return seen;
}
