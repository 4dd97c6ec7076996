import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { ANALYSIS_FILE } from '../support/harvestedRun';
import { resultsDir } from '../support/paths';
import { lineOf, type ScenarioContext } from './scenarioContext';
import { activeEditor, goToLine, hoverShowing, pointAt, quickOpen } from './workbench';

const CONFIG = 'tiny_llama.decomp.yaml';
/** The language server starts with the extension and opens the harvest on the first card. */
const CARD_TIMEOUT_MS = 90_000;

/** Checks a hover shows the fixture subcomponent's card: its density and its strongest example. */
function assertCard(text: string, { harvestedRun }: ScenarioContext): void {
  const { id, density, markedToken } = harvestedRun.component;
  const percent = `${Number((density * 100).toPrecision(3))}%`;
  assert.ok(text.includes(id), `the hover does not name ${id}:\n${text}`);
  assert.ok(text.includes(`Density ${percent} of tokens`), `no density ${percent} in the hover:\n${text}`);
  assert.ok(text.includes(`run ${harvestedRun.runId}`), `the hover names no run:\n${text}`);
  assert.ok(text.includes(`⟦${markedToken}⟧`), `no example marking "${markedToken}" in the hover:\n${text}`);
}

/** Opens `file` at the line holding the subcomponent ID, hovers the ID and checks the card. */
async function hoverCard(page: Page, context: ScenarioContext, file: string, line: number): Promise<void> {
  const { id } = context.harvestedRun.component;
  await quickOpen(page, file);
  const editor = activeEditor(page);
  await editor.locator('.view-lines').waitFor({ state: 'visible' });
  await goToLine(page, line);
  const hover = await hoverShowing(page, 'Top examples', () => pointAt(page, editor, id), CARD_TIMEOUT_MS);
  const text = await hover.innerText();
  console.log(`    ${text.split('\n').find((shown) => shown.startsWith('Density')) ?? ''}`);
  assertCard(text, context);
}

/** Hovering a subcomponent ID in the config's `analysis.components` shows its card from the run's harvest. */
export async function cardConfigScenario(page: Page, context: ScenarioContext): Promise<void> {
  const { id } = context.harvestedRun.component;
  await hoverCard(page, context, CONFIG, lineOf(context, CONFIG, `- ${id}`));
  await page.screenshot({ path: path.join(resultsDir(), 'card-config.png') });
}

/** The same card on the ID in a Python string, read from the runs folder nearest the file. */
export async function cardPythonScenario(page: Page, context: ScenarioContext): Promise<void> {
  const { id } = context.harvestedRun.component;
  await hoverCard(page, context, ANALYSIS_FILE, lineOf(context, ANALYSIS_FILE, `"${id}"`));
  await page.screenshot({ path: path.join(resultsDir(), 'card-python.png') });
}
