// The packaged VSIX as a new user meets it: installed into a clean code-server, an empty folder with no
// checkout beside it and no interpreter set. From the walkthrough to a recovered server crash, driven by
// Chromium through what a user clicks and reads, with a screenshot of each step in test-results/vsix/.
// Usage: node --import tsx test/package/vsixScenario.ts FILE.vsix
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { activeEditor, activeTab, findFrame, hoverShowing, pointAt, runCommand } from '../e2e/workbench';
import { launchChromium, openWorkbench } from '../support/chromium';
import { startCodeServer, workbenchUrl, type CodeServer } from '../support/codeServer';
import { repoRoot, resultsDir } from '../support/paths';
import { waitFor } from '../support/poll';

const STATUS_ITEM = '[id="paramlens.paramlens.paramlens.server"]';
const READY = /^ParamLens \d+\.\d+\S* · \S+/;
const CONFIG = 'tms_5-2.decomp.yaml';
/** pip installs torch and the server's dependencies into a new environment: from its cache, a minute or two. */
const SET_UP_TIMEOUT_MS = 8 * 60_000;
/** The example's 5,000 steps take about 1.5 minutes on one free core, plus training its target once. */
const RUN_TIMEOUT_MS = 12 * 60_000;

interface Step {
  name: string;
  run: (page: Page, scenario: Scenario) => Promise<void>;
}

interface Scenario {
  server: CodeServer;
  workspace: string;
  /** The decomposition the scenario started, once it has. */
  runId?: string;
}

const shots = path.join(resultsDir(), 'vsix');

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(shots, `${name}.png`) });
}

function notification(page: Page, text: string | RegExp): Locator {
  return page
    .locator('.notification-toast, .notifications-center .notification-list-item')
    .filter({ hasText: text });
}

/** Clicks `button` on the notification that shows `text`: on its toast, or in the notification centre once the toast has hidden. */
async function clickNotificationButton(page: Page, text: string | RegExp, button: string): Promise<void> {
  const toast = page
    .locator('.notification-toast', { hasText: text })
    .locator('.monaco-button', { hasText: button });
  if ((await toast.count()) === 0 || !(await toast.first().isVisible())) {
    await runCommand(page, 'Notifications: Show Notifications');
  }
  await notification(page, text).locator('.monaco-button', { hasText: button }).first().click();
}

async function statusText(page: Page): Promise<string> {
  return (await page.locator(STATUS_ITEM).innerText()).trim();
}

async function waitForServerReady(page: Page, timeoutMs: number): Promise<string> {
  return waitFor(
    'the status bar to show a running server',
    async () => {
      const shown = await statusText(page);
      if (READY.test(shown)) return shown;
      throw new Error(`the status bar shows "${shown}"`);
    },
    { timeoutMs, intervalMs: 500 },
  );
}

/** The Runs view's row for `runId`, with the view shown. */
async function runRow(page: Page, runId: string): Promise<Locator> {
  await runCommand(page, 'ParamLens: Focus on Runs View');
  const row = page.locator('.pane-body .monaco-list-row', { hasText: runId }).first();
  await row.waitFor({ state: 'visible' });
  return row;
}

/** Picks `item` from `row`'s context menu: highlighted with the mouse, chosen with Enter as the menu has focus. */
async function contextMenu(page: Page, row: Locator, item: string): Promise<void> {
  await row.click({ button: 'right' });
  const menu = page.locator('.context-view .monaco-menu');
  await menu.locator('.action-item', { hasText: item }).first().hover();
  await menu.locator('.action-item.focused', { hasText: item }).waitFor();
  await page.keyboard.press('Enter');
  await menu.waitFor({ state: 'detached' });
}

const steps: Step[] = [
  {
    name: '01-walkthrough',
    async run(page) {
      await runCommand(page, 'Welcome: Open Walkthrough...');
      await page
        .locator('.quick-input-list .monaco-list-row', { hasText: 'Get Started with ParamLens' })
        .click();
      const open = page.locator('.gettingStartedContainer .monaco-button', {
        hasText: 'Open the TMS 5-2 Example',
      });
      await open.waitFor({ state: 'visible' });
      await screenshot(page, '01-walkthrough');
      await open.click();
      await activeTab(page, CONFIG).waitFor({ state: 'visible', timeout: 60_000 });
    },
  },
  {
    name: '02-set-up-server',
    async run(page) {
      // No interpreter is set and the machine's Python has no paramlens: the start failure offers the fix.
      const failure = /not installed for/;
      await notification(page, failure).first().waitFor({ state: 'visible', timeout: 120_000 });
      await screenshot(page, '02a-server-not-installed');
      await clickNotificationButton(page, failure, 'Set Up Server Environment');
      await notification(page, /setting up the server environment/)
        .first()
        .waitFor({ state: 'visible' });
      await screenshot(page, '02b-setting-up');
      console.log(`    ${await waitForServerReady(page, SET_UP_TIMEOUT_MS)}`);
      await notification(page, /is set up in/)
        .first()
        .waitFor({ state: 'visible', timeout: 30_000 });
      await screenshot(page, '02c-server-ready');
    },
  },
  {
    name: '03-run-from-palette',
    async run(page, scenario) {
      await page.keyboard.press('Escape');
      await activeTab(page, CONFIG).click();
      await runCommand(page, 'ParamLens: Run Decomposition');
      const progress = page.locator('.notification-toast', { hasText: /decompose tms_5-2/ }).first();
      await progress.waitFor({ state: 'visible', timeout: 120_000 });
      scenario.runId = /decompose (tms_5-2-\S+)/.exec(await progress.innerText())?.[1];
      assert.ok(scenario.runId, 'the progress notification names the run');
      await screenshot(page, '03a-progress');
      // The dashboard opens as the run starts and follows it: its step goes up and its curves are drawn.
      const dashboard = await findFrame(page, '#charts figure.chart', RUN_TIMEOUT_MS);
      const title = dashboard.locator('#title');
      const stepOf = async (): Promise<number> =>
        Number(/step (\d+) of/.exec(await title.innerText())?.[1] ?? NaN);
      const first = await waitFor('the dashboard to show a step', async () => (await stepOf()) || undefined, {
        timeoutMs: RUN_TIMEOUT_MS,
        intervalMs: 250,
      });
      assert.match(await title.innerText(), /running/, 'the dashboard opened while the run was training');
      await screenshot(page, '03b-dashboard');
      // It moves on, and its first evaluation (step 1,000 of 5,000) adds the third chart.
      const charts = dashboard.locator('#charts figure.chart');
      const later = await waitFor(
        'the dashboard to move on to its first evaluation',
        async () => {
          const step = await stepOf();
          return step > first && (await charts.count()) >= 3 ? step : undefined;
        },
        { timeoutMs: RUN_TIMEOUT_MS, intervalMs: 250 },
      );
      console.log(`    ${scenario.runId}: dashboard at step ${first}, then ${later}`);
      // Each chart has its plot: uPlot draws after it is built, so a failure leaves a title and no canvas.
      const widths = await charts.evaluateAll((figures) =>
        figures.map((figure) => figure.querySelector('canvas')?.getBoundingClientRect().width ?? 0),
      );
      assert.ok(
        widths.every((width) => width > 100),
        `every chart is drawn: canvas widths ${widths.join(', ')}`,
      );
      await screenshot(page, '03c-dashboard-moved');
    },
  },
  {
    name: '04-run-done',
    async run(page, scenario) {
      const runId = scenario.runId!;
      const done = notification(page, `Decomposition ${runId} is done`).first();
      await done.waitFor({ state: 'visible', timeout: RUN_TIMEOUT_MS });
      const text = await done.innerText();
      assert.match(text, /MSE unmasked/, `the headline names the faithfulness: ${text}`);
      const row = await runRow(page, runId);
      await waitFor(
        'the run to show done in the Runs view',
        async () => /done · MSE/.test(await row.innerText()) || undefined,
        {
          timeoutMs: 30_000,
        },
      );
      console.log(`    ${(await row.innerText()).replace(/\s+/g, ' ')}`);
      await screenshot(page, '04-run-done');
    },
  },
  {
    name: '05-harvest-and-graph',
    async run(page, scenario) {
      const runId = scenario.runId!;
      await contextMenu(page, await runRow(page, runId), 'Harvest Run');
      await notification(page, `${runId} is harvested`)
        .first()
        .waitFor({ state: 'visible', timeout: 300_000 });
      // Its modules now open onto subcomponents, densest first.
      await (await runRow(page, runId)).click();
      const linear1 = page.locator('.pane-body .monaco-list-row', { hasText: 'linear1' }).first();
      await linear1.click();
      await page.locator('.pane-body .monaco-list-row', { hasText: 'density' }).first().waitFor();
      await screenshot(page, '05a-harvested');

      await contextMenu(page, await runRow(page, runId), 'Compute Attribution Graph…');
      await page.locator('.quick-input-widget .quick-input-box input').waitFor({ state: 'visible' });
      await page.keyboard.type('1=1,3=0.5');
      await page.keyboard.press('Enter');
      const graph = await findFrame(page, 'svg .node', 300_000);
      const nodes = await waitFor(
        'the graph to be drawn',
        async () => (await graph.locator('svg .node').count()) || undefined,
        {
          timeoutMs: 60_000,
          intervalMs: 250,
        },
      );
      console.log(`    graph of features 1 and 3: ${nodes} nodes`);
      const files = fs.readdirSync(path.join(scenario.workspace, 'runs', runId, 'graphs'));
      assert.ok(
        files.some((file) => file.endsWith('.graph.json')),
        `no graph file: ${files.join(', ')}`,
      );
      await screenshot(page, '05b-graph');
      const tab = page.locator('.tabs-container .tab', { hasText: 'Graph:' });
      await tab.hover();
      await tab.locator('.tab-actions .action-label').click();
    },
  },
  {
    name: '06-hover-card',
    async run(page, scenario) {
      // The densest subcomponent of linear1, as the Runs view lists it, written into the config's analysis.
      const densest = page.locator('.pane-body .monaco-list-row', { hasText: 'density' }).first();
      const component = /^\s*(\d+)/.exec(await densest.innerText())?.[1];
      assert.ok(component, 'the Runs view lists a subcomponent');
      const id = `linear1:${component}`;
      await activeTab(page, CONFIG)
        .click()
        .catch(() => undefined);
      await page.locator('.tabs-container .tab', { hasText: CONFIG }).click();
      const editor = activeEditor(page);
      await editor.click();
      await page.keyboard.press('Control+End');
      await page.keyboard.insertText(`analysis:\n  components:\n    - ${id}\n`);
      const hover = await hoverShowing(page, 'Density', () => pointAt(page, editor, id), 120_000);
      const text = await hover.innerText();
      assert.ok(
        text.includes(id) && text.includes(`run ${scenario.runId}`),
        `the card names no run:\n${text}`,
      );
      assert.match(text, /Density [\d.]+% of samples/);
      console.log(`    ${text.split('\n').find((line) => line.startsWith('Density')) ?? ''}`);
      await screenshot(page, '06-hover-card');
      await page.mouse.move(0, 0);
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+S');
    },
  },
  {
    name: '07-server-crash',
    async run(page, scenario) {
      const runId = scenario.runId!;
      const pids = serverPids(scenario.server.home);
      assert.equal(pids.length, 1, `one server process under ${scenario.server.home}: ${pids.join(', ')}`);
      process.kill(pids[0]!, 'SIGKILL');
      const stopped = /decomposition server stopped/;
      await notification(page, stopped).first().waitFor({ state: 'visible', timeout: 30_000 });
      await screenshot(page, '07a-server-killed');
      console.log(`    after the kill: ${await waitForServerReady(page, 180_000)}`);
      const replacement = serverPids(scenario.server.home);
      assert.ok(replacement.length === 1 && replacement[0] !== pids[0], 'a new server runs');
      // Reported once: the notification centre holds one such message.
      await runCommand(page, 'Notifications: Show Notifications');
      const reported = await page
        .locator('.notifications-center .notification-list-item', { hasText: stopped })
        .count();
      assert.equal(reported, 1, 'the crash is reported once');
      // Nothing lost: the run is still done and harvested, with its graph, in the view and on disk.
      const row = await runRow(page, runId);
      assert.match(await row.innerText(), /done · MSE/);
      const manifest = JSON.parse(
        fs.readFileSync(path.join(scenario.workspace, 'runs', runId, 'run.json'), 'utf8'),
      ) as {
        status: string;
      };
      assert.equal(manifest.status, 'done');
      for (const file of ['harvest.sqlite', 'graphs'])
        assert.ok(fs.existsSync(path.join(scenario.workspace, 'runs', runId, file)), file);
      await screenshot(page, '07b-recovered');
    },
  },
];

/** `paramlens serve` processes started from the environment set up under this editor's storage. */
function serverPids(home: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (args[0]?.startsWith(home) && args.includes('serve') && args.includes('paramlens'))
        pids.push(Number(entry));
    } catch {
      // The process exited while we were reading.
    }
  }
  return pids;
}

async function main(): Promise<number> {
  const vsix = process.argv[2];
  assert.ok(vsix && fs.existsSync(vsix), 'usage: vsixScenario.ts FILE.vsix');
  fs.rmSync(shots, { recursive: true, force: true });
  fs.mkdirSync(shots, { recursive: true });
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'paramlens-new-user-'));
  const server = await startCodeServer({
    name: 'vsix',
    vsix: path.resolve(vsix),
    pythonPath: null,
    // The environment gets the CPU PyTorch build the project tests with, not pip's multi-GB CUDA default.
    env: { PIP_CONSTRAINT: path.join(repoRoot, 'server', 'constraints.txt') },
  });
  const scenario: Scenario = { server, workspace };
  const browser = await launchChromium();
  let failed = false;
  try {
    const page = await openWorkbench(browser, workbenchUrl(server, { folder: workspace }), 'vsix');
    page.setDefaultTimeout(30_000);
    for (const step of steps) {
      const started = Date.now();
      console.log(`  ${step.name}`);
      try {
        await step.run(page, scenario);
        console.log(`  ✓ ${step.name} (${Date.now() - started} ms)`);
      } catch (error) {
        console.log(`  ✗ ${step.name} (${Date.now() - started} ms)\n      ${(error as Error).message}`);
        await screenshot(page, `${step.name}.failure`);
        failed = true;
        break; // each step builds on the one before
      }
    }
  } finally {
    await browser.close();
    await server.stop();
    fs.rmSync(workspace, { recursive: true, force: true });
  }
  console.log(
    `vsix scenario: ${failed ? 'failed' : `${steps.length} steps passed`}; screenshots in ${shots}`,
  );
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
