import type { Frame, Locator, Page } from 'playwright-core';
import { waitFor } from '../support/poll';

/** The quick input (Quick Open, command palette) row whose label contains `text`. */
function quickInputRow(page: Page, text: string): Locator {
  return page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: text }).first();
}

/** Types into the quick input once it is open, then picks the matching row. */
async function pickInQuickInput(page: Page, text: string): Promise<void> {
  await page.locator('.quick-input-widget .quick-input-box input').waitFor({ state: 'visible' });
  await page.keyboard.type(text);
  await quickInputRow(page, text).waitFor({ state: 'visible' });
  await page.keyboard.press('Enter');
}

/** Quick Open (`Ctrl+P`) a workspace file by name and wait until its editor tab is active. */
export async function quickOpen(page: Page, fileName: string): Promise<void> {
  await page.keyboard.press('Control+P');
  await pickInQuickInput(page, fileName);
  await activeTab(page, fileName).waitFor({ state: 'visible' });
}

/** Runs a command from the command palette (`F1`) by its full title, e.g. `ParamLens: …`. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  await pickInQuickInput(page, title);
}

export function activeTab(page: Page, title: string): Locator {
  return page.locator('.tabs-container .tab.active', { hasText: title });
}

/** The text editor of the active editor group. */
export function activeEditor(page: Page): Locator {
  return page.locator('.editor-group-container.active .monaco-editor').first();
}

/** The text of the Problems item in the status bar, e.g. `1 0` for one error and no warnings. */
export async function problemsStatus(page: Page): Promise<string> {
  return (await page.locator('[id="status.problems"]').getAttribute('aria-label')) ?? '';
}

/**
 * The webview frame whose document matches `selector`. A webview is an iframe holding another iframe
 * with the extension's HTML, so every frame of the page is searched.
 */
export async function findFrame(page: Page, selector: string, timeoutMs: number): Promise<Frame> {
  return waitFor(
    `a frame containing ${selector}`,
    async () => {
      for (const frame of page.frames()) {
        if ((await frame.locator(selector).count()) > 0) return frame;
      }
      return undefined;
    },
    { timeoutMs, intervalMs: 250 },
  );
}
