import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { resultsDir } from '../support/paths';
import { waitFor } from '../support/poll';
import { lineOf, type ScenarioContext } from './scenarioContext';
import { activeEditor, goToLine, hoverShowing, problemsStatus, quickOpen, revertToSaved } from './workbench';

const CONFIG = 'tiny_llama.decomp.yaml';
const PATTERN = 'h.*.mlp.c_fc';
/** Typed in place of the pattern: completion then offers the modules of block 0's MLP. */
const TYPED_PREFIX = 'h.0.mlp.';
const MISSPELT_KEY = 'trainig:';

async function openConfigAt(page: Page, context: ScenarioContext, text: string): Promise<void> {
  await quickOpen(page, CONFIG);
  await activeEditor(page).locator('.view-lines').waitFor({ state: 'visible' });
  await goToLine(page, lineOf(context, CONFIG, text));
}

/**
 * Replaces a `pattern:` value with the start of a module path and asks for completion: the list offers
 * the target's modules, read from the run's modules.json, with their shapes.
 */
export async function moduleCompletionScenario(page: Page, context: ScenarioContext): Promise<void> {
  await openConfigAt(page, context, `- pattern: ${PATTERN}`);
  await page.keyboard.press('End');
  for (let typed = 0; typed < PATTERN.length; typed++) await page.keyboard.press('Backspace');
  await page.keyboard.type(TYPED_PREFIX);
  const suggestions = page.locator('.editor-widget.suggest-widget .monaco-list-row');
  const labels = await waitFor(
    'module paths in the completion list',
    async () => {
      // Ask again until the language server has the listing; the first request may come before it.
      await page.keyboard.press('Control+Space');
      const row = suggestions.filter({ hasText: `${TYPED_PREFIX}c_fc` }).first();
      await row.waitFor({ state: 'visible', timeout: 5_000 });
      return suggestions.allInnerTexts();
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
  console.log(`    suggestions: ${labels.map((label) => label.replace(/\s+/g, ' ').trim()).join(' | ')}`);
  assert.ok(
    labels.some((label) => label.includes(`${TYPED_PREFIX}down_proj`)),
    `no ${TYPED_PREFIX}down_proj among the suggestions`,
  );
  // The focused row's detail shows in the row, or in the side panel once the user has expanded details.
  const details = await page.locator('.suggest-details').allInnerTexts();
  assert.ok(
    [...labels, ...details].some((text) => /linear 128 → 512/.test(text)),
    'no suggestion shows the shape of c_fc (linear 128 → 512)',
  );
  await page.screenshot({ path: path.join(resultsDir(), 'module-completion.png') });
  await page.keyboard.press('Escape');
  await revertToSaved(page, CONFIG);
}

/** Misspells the `training` key: the editor underlines it, and the hover suggests the right key. */
export async function misspeltKeyScenario(page: Page, context: ScenarioContext): Promise<void> {
  await openConfigAt(page, context, 'training:');
  await page.keyboard.press('Home');
  await page.keyboard.press('Shift+End');
  await page.keyboard.type(MISSPELT_KEY);

  const editor = activeEditor(page);
  const typedLine = editor.locator('.view-line', { hasText: MISSPELT_KEY });
  const underlined = async (): Promise<{ x: number; y: number } | undefined> => {
    const [underline, line] = await Promise.all([
      editor.locator('.squiggly-error').first().boundingBox({ timeout: 1_000 }),
      typedLine.boundingBox({ timeout: 1_000 }),
    ]);
    const onLine = underline && line && underline.y >= line.y && underline.y < line.y + line.height;
    return onLine
      ? { x: underline.x + underline.width / 2, y: underline.y + underline.height / 2 }
      : undefined;
  };
  const point = await waitFor('an error underline on the misspelt key', underlined, {
    timeoutMs: 60_000,
    intervalMs: 250,
  });
  console.log(`    problems in the status bar: ${await problemsStatus(page)}`);
  const hover = await hoverShowing(page, 'did you mean', () => page.mouse.move(point.x, point.y), 20_000);
  const text = await hover.innerText();
  console.log(`    hover: ${text.replace(/\s+/g, ' ').trim()}`);
  assert.match(text, /unknown key `?trainig`?; did you mean `?training`?/);
  await page.screenshot({ path: path.join(resultsDir(), 'misspelt-key.png') });
  await page.keyboard.press('Escape');
  await revertToSaved(page, CONFIG);
}
