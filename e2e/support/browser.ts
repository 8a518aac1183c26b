// Debian's Chromium driven by playwright-core, as the explorer's browser tests use it: the one
// browser they launch, and the explorer's page opened in it with every page error collected.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO_ROOT } from './nodes.ts';

export const CHROMIUM = '/usr/bin/chromium';
/** Where the tests put their screenshots. */
export const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');

/** Headless Chromium, quiet (no updates, no sync); a missing browser says how to get it. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (see .ci/run)`);
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * The explorer at `url` in a new page, once its event stream is live. Page errors and console
 * errors go into `problems`, for the test to assert there were none; Chrome reports every 4xx
 * answer to fetch on the console, and the page shows those itself, so they are left out.
 */
export async function openExplorer(browser: Browser, url: string, problems: string[], waitMs: number): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1360, height: 1000 } });
  page.setDefaultTimeout(waitMs);
  page.on('pageerror', (error) => problems.push(`${url}: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/status of 4\d\d/.test(message.text())) problems.push(`${url}: console: ${message.text()}`);
  });
  await page.goto(url);
  await page.locator('#connection[data-state="live"]').waitFor();
  return page;
}

/** openExplorer, once the page shows the chain's first block: a short chain, drawn whole. */
export async function openExplorerAtGenesis(browser: Browser, url: string, problems: string[], waitMs: number): Promise<Page> {
  const page = await openExplorer(browser, url, problems, waitMs);
  await page.locator('#chain li.block[data-index="1"]').waitFor();
  return page;
}
