import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import type { AttributionGraph } from '../../protocol/graph';
import { repoRoot, resultsDir } from '../support/paths';
import { waitFor } from '../support/poll';
import { findFrame, runCommand } from './workbench';

function exampleGraph(): AttributionGraph {
  const file = path.join(repoRoot, 'examples', 'tiny.graph.json');
  return JSON.parse(fs.readFileSync(file, 'utf8')) as AttributionGraph;
}

/** Opens the example attribution graph from the command palette and checks the panel draws all of it. */
export async function graphScenario(page: Page): Promise<void> {
  const graph = exampleGraph();
  await runCommand(page, 'ParamLens: Open Attribution Graph');
  const frame = await findFrame(page, 'svg .node', 60_000);
  const nodes = frame.locator('svg .node');
  // Layout runs in a worker and the drawing may be incremental: wait for the full count.
  await waitFor(
    `${graph.nodes.length} nodes`,
    async () => {
      const count = await nodes.count();
      if (count === graph.nodes.length) return true;
      throw new Error(`${count} nodes drawn so far`);
    },
    { timeoutMs: 30_000, intervalMs: 250 },
  );
  const drawnIds = await nodes.evaluateAll((elements) =>
    elements.map((element) => element.getAttribute('data-node-id')),
  );
  assert.deepEqual(new Set(drawnIds), new Set(graph.nodes.map((node) => node.id)));
  const edges = await frame.locator('svg .edge').count();
  assert.ok(edges > 0, 'no edges drawn');
  console.log(`    ${graph.nodes.length} nodes, ${edges} edges drawn`);
  await page.screenshot({ path: path.join(resultsDir(), 'graph.png'), fullPage: true });
  await closeGraphTab(page);
}

/**
 * Closes the graph panel with its tab's close button. Keys pressed while the webview has focus stay in it,
 * so the scenarios after this one need the panel gone to reach the workbench from the keyboard.
 */
async function closeGraphTab(page: Page): Promise<void> {
  const tab = page.locator('.tabs-container .tab', { hasText: 'Graph:' });
  await tab.hover();
  await tab.locator('.tab-actions .action-label').click();
  await tab.waitFor({ state: 'detached' });
}
