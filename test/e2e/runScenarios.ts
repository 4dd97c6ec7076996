import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium, openWorkbench } from '../support/chromium';
import { startCodeServer, workbenchUrl } from '../support/codeServer';
import { addHarvestedRun } from '../support/harvestedRun';
import { repoRoot, resultsDir } from '../support/paths';
import { copyExamplesWorkspace } from '../support/workspace';
import { cardConfigScenario, cardPythonScenario } from './cardScenarios';
import { misspeltKeyScenario, moduleCompletionScenario } from './configEditScenarios';
import { diagnosticScenario } from './diagnosticScenario';
import { graphScenario } from './graphScenario';
import type { ScenarioContext } from './scenarioContext';
import { serverStatusScenario } from './serverStatusScenario';

// UI scenarios in a real VS Code (code-server, driven by Chromium) with the extension loaded from
// this checkout as a development extension: what a user does, checked through what they would see.

interface Scenario {
  name: string;
  timeoutMs: number;
  run: (page: Page, context: ScenarioContext) => Promise<void>;
}

const scenarios: Scenario[] = [
  { name: 'server-status', timeoutMs: 100_000, run: serverStatusScenario },
  { name: 'diagnostic', timeoutMs: 150_000, run: diagnosticScenario },
  { name: 'graph', timeoutMs: 120_000, run: graphScenario },
  { name: 'card-config', timeoutMs: 120_000, run: cardConfigScenario },
  { name: 'card-python', timeoutMs: 60_000, run: cardPythonScenario },
  { name: 'module-completion', timeoutMs: 90_000, run: moduleCompletionScenario },
  { name: 'misspelt-key', timeoutMs: 90_000, run: misspeltKeyScenario },
];

/** Rejects once `timeoutMs` has passed, so one stuck scenario cannot hold up the others. */
function deadline(scenario: Scenario): { expired: Promise<never>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`did not finish within ${scenario.timeoutMs} ms`)),
      scenario.timeoutMs,
    );
  });
  return { expired, cancel: () => clearTimeout(timer) };
}

/** Runs one scenario; on failure keeps a screenshot of what the page showed. */
async function runScenario(page: Page, scenario: Scenario, context: ScenarioContext): Promise<boolean> {
  const started = Date.now();
  console.log(`  ${scenario.name}`);
  const { expired, cancel } = deadline(scenario);
  try {
    await Promise.race([scenario.run(page, context), expired]);
    console.log(`  ✓ ${scenario.name} (${Date.now() - started} ms)`);
    return true;
  } catch (error) {
    console.log(`  ✗ ${scenario.name} (${Date.now() - started} ms)\n      ${(error as Error).message}`);
    await page.screenshot({
      path: path.join(resultsDir(), `${scenario.name}.failure.png`),
    });
    return false;
  } finally {
    cancel();
    // Close whatever widget the scenario left open (quick input, hover) before the next one starts.
    await page.keyboard.press('Escape');
  }
}

async function main(): Promise<number> {
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'extension.js'))) {
    throw new Error('dist/extension.js is missing: run `npm run build` first');
  }
  const workspace = copyExamplesWorkspace();
  const context: ScenarioContext = { workspace, harvestedRun: addHarvestedRun(workspace) };
  // Typed quotes must stay unclosed: the diagnostic scenario types an unterminated string.
  const server = await startCodeServer({ name: 'e2e', settings: { 'editor.autoClosingQuotes': 'never' } });
  const browser = await launchChromium();
  let passed = 0;
  try {
    const url = workbenchUrl(server, { folder: workspace, extensionDevelopmentPath: repoRoot });
    const page = await openWorkbench(browser, url, 'e2e');
    page.setDefaultTimeout(30_000);
    for (const scenario of scenarios) if (await runScenario(page, scenario, context)) passed++;
  } finally {
    await browser.close();
    await server.stop();
    fs.rmSync(workspace, { recursive: true, force: true });
  }
  console.log(`e2e: ${passed} passed, ${scenarios.length - passed} failed`);
  return passed === scenarios.length ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
