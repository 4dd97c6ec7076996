import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { resultsDir } from './paths';

/**
 * Debian's Chromium driven by playwright-core. Playwright's own browser download is never used: the
 * machines these tests run on reach only the package registries.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Opens the workbench at `url` in a new page, logging the page's console to `test-results/<name>.browser.log`
 * (where webview and workbench errors show up), and waits until the workbench has rendered.
 */
export async function openWorkbench(browser: Browser, url: string, name: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  const log = fs.createWriteStream(path.join(resultsDir(), `${name}.browser.log`));
  page.on('console', (message) => log.write(`[${message.type()}] ${message.text()}\n`));
  page.on('pageerror', (error) => log.write(`[pageerror] ${error.stack ?? error.message}\n`));
  page.on('close', () => log.end());
  await page.goto(url);
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  return page;
}
