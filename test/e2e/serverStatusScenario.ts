import type { Page } from 'playwright-core';
import { waitFor } from '../support/poll';

/** The status bar item's DOM id: the extension's id, then the item's own (`paramlens.server`). */
const ITEM = '[id="paramlens.paramlens.paramlens.server"]';
/** Shown once the server answered `/health`: its version and the device it computes on. */
const READY = /^ParamLens \d+\.\d+\S* · \S+/;

/** The decomposition server starts with the extension and the status bar says so. */
export async function serverStatusScenario(page: Page): Promise<void> {
  const item = page.locator(ITEM);
  const text = await waitFor(
    'the status bar to show the server version and device',
    async () => {
      const shown = (await item.innerText()).trim();
      if (READY.test(shown)) return shown;
      throw new Error(`the status bar shows "${shown}"`);
    },
    { timeoutMs: 90_000, intervalMs: 250 },
  );
  console.log(`    status bar: ${text}`);
}
