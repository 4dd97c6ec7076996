import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { resultsDir } from '../support/paths';
import { waitFor } from '../support/poll';
import { activeEditor, hoverShowing, problemsStatus, quickOpen, revertToSaved } from './workbench';

const CONFIG = 'tms_5-2.decomp.yaml';
/** A quoted string that never closes: a YAML syntax error, whatever the config above it holds. */
const BROKEN_LINE = 'key: "unclosed';

/**
 * Types a YAML syntax error into the example config, checks the editor underlines it and its hover
 * names ParamLens, then undoes the edit so the file is left as it was.
 */
export async function diagnosticScenario(page: Page): Promise<void> {
  await quickOpen(page, CONFIG);
  const editor = activeEditor(page);
  await editor.locator('.view-lines').waitFor({ state: 'visible' });
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
  await page.keyboard.type(BROKEN_LINE);

  // Underlines for intermediate versions of the line may come and go first: wait for one that is on
  // screen on the typed line. The language server starts with the extension, which can take a while.
  const typedLine = editor.locator('.view-line', { hasText: BROKEN_LINE });
  const box = await waitFor(
    'an error underline on the typed line',
    async () => {
      const [underline, line] = await Promise.all([
        editor.locator('.squiggly-error').first().boundingBox({ timeout: 1_000 }),
        typedLine.boundingBox({ timeout: 1_000 }),
      ]);
      const onLine = underline && line && underline.y >= line.y && underline.y < line.y + line.height;
      return onLine ? underline : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 250 },
  );
  console.log(`    problems in the status bar: ${await problemsStatus(page)}`);

  // On a busy machine the first hover can be lost (the editor was still settling the typed line): point
  // at the underline again until its hover shows.
  const hover = await hoverShowing(
    page,
    'paramlens',
    () => page.mouse.move(box.x + box.width / 2, box.y + box.height / 2),
    60_000,
  );
  console.log(`    hover: ${(await hover.innerText()).replace(/\s+/g, ' ').trim()}`);
  await page.screenshot({ path: path.join(resultsDir(), 'diagnostic.png') });

  await page.keyboard.press('Escape');
  await revertToSaved(page, CONFIG);
}
