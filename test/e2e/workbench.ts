import type { Frame, Locator, Page } from 'playwright-core';
import { waitFor } from '../support/poll';

/**
 * The focused quick input (Quick Open, command palette) row, once its label contains `text`: the row
 * Enter picks. Quick Open lists recently opened files before it filters, so a matching row can be on
 * screen while another one is still focused.
 */
function focusedQuickInputRow(page: Page, text: string): Locator {
  return page.locator('.quick-input-widget .quick-input-list .monaco-list-row.focused', { hasText: text });
}

/** Types into the quick input once it is open, then picks the matching row. */
async function pickInQuickInput(page: Page, text: string): Promise<void> {
  await page.locator('.quick-input-widget .quick-input-box input').waitFor({ state: 'visible' });
  await page.keyboard.type(text);
  await focusedQuickInputRow(page, text).waitFor({ state: 'visible' });
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

/** Moves the cursor to a 1-based line with Go to Line (`Ctrl+G`), which also scrolls it into view. */
export async function goToLine(page: Page, line: number): Promise<void> {
  await page.keyboard.press('Control+G');
  await page.locator('.quick-input-widget .quick-input-box input').waitFor({ state: 'visible' });
  await page.keyboard.type(String(line));
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/**
 * Points the mouse at the middle of `text` in the editor's visible lines. Monaco splits a line into one
 * span per token, so the innermost span holding the text is measured and the text's middle found in it
 * (the editor font is monospaced).
 */
export async function pointAt(page: Page, editor: Locator, text: string): Promise<void> {
  const span = editor.locator('.view-line span span', { hasText: text }).last();
  const box = await span.boundingBox();
  const content = await span.textContent();
  if (box === null || content === null) throw new Error(`"${text}" is not on screen`);
  // Monaco renders spaces as non-breaking ones; they are one character wide all the same.
  const middle = content.indexOf(text) + text.length / 2;
  await page.mouse.move(box.x + (box.width * middle) / content.length, box.y + box.height / 2);
}

/** The hover widget once it shows `text`; moves the mouse with `point` until it does. */
export async function hoverShowing(
  page: Page,
  text: string,
  point: () => Promise<void>,
  timeoutMs: number,
): Promise<Locator> {
  const hover = page.locator('.monaco-hover-content').filter({ hasText: text }).first();
  return waitFor(
    `a hover showing "${text}"`,
    async () => {
      // Moving off and back asks again: the first hover may come before the language server is ready.
      await page.mouse.move(0, 0);
      await point();
      await hover.waitFor({ state: 'visible', timeout: 5_000 });
      return hover;
    },
    { timeoutMs, intervalMs: 250 },
  );
}

/**
 * Leaves the active tab `title` as it is on disk. Reverting is one command, where undoing is as many key
 * presses as the edit had undo stops, each of which a hover or suggest widget with focus can swallow.
 */
export async function revertToSaved(page: Page, title: string): Promise<void> {
  const dirty = activeTab(page, title).and(page.locator('.dirty'));
  await waitFor(
    'the edit to be reverted',
    async () => {
      if ((await dirty.count()) === 0) return true;
      await page.keyboard.press('Escape');
      await runCommand(page, 'File: Revert File');
      await dirty.waitFor({ state: 'detached', timeout: 5_000 });
      return true;
    },
    { timeoutMs: 30_000, intervalMs: 250 },
  );
}
