import type { Page } from 'playwright-core';
import { waitFor } from '../support/poll';
import { runCommand } from './workbench';

/** The status bar item's DOM id: the extension's id, then the item's own (`paramlens.server`). */
const ITEM = '[id="paramlens.paramlens.paramlens.server"]';
/** Shown once the server answered `/health`: its version and the device it computes on. */
const READY = /^ParamLens \d+\.\d+\S* · \S+/;

async function waitForReady(page: Page): Promise<string> {
  const item = page.locator(ITEM);
  return waitFor(
    'the status bar to show the server version and device',
    async () => {
      const shown = (await item.innerText()).trim();
      if (READY.test(shown)) return shown;
      throw new Error(`the status bar shows "${shown}"`);
    },
    { timeoutMs: 90_000, intervalMs: 250 },
  );
}

/**
 * The decomposition server starts with the extension and the status bar says so. Restarting it twice in a
 * row (the second while the first restart is still starting) ends with a running server and no error.
 */
export async function serverStatusScenario(page: Page): Promise<void> {
  console.log(`    status bar: ${await waitForReady(page)}`);

  await runCommand(page, 'ParamLens: Restart Decomposition Server');
  await runCommand(page, 'ParamLens: Restart Decomposition Server');
  // Starting a server takes seconds (torch import), so the restart is seen before the new one is ready.
  await waitFor(
    'the status bar to show the server restarting',
    async () => !READY.test((await page.locator(ITEM).innerText()).trim()) || undefined,
    { timeoutMs: 10_000, intervalMs: 50 },
  );
  console.log(`    after two restarts: ${await waitForReady(page)}`);
  const toasts = await page.locator('.notification-toast').allInnerTexts();
  const errors = toasts.filter((text) => /ParamLens|decomposition server/i.test(text));
  if (errors.length > 0) throw new Error(`restarting showed a notification: ${errors.join(' | ')}`);
}
