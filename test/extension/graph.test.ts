import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AttributionGraph } from '../../protocol/graph';
import type { GraphViewToHost } from '../../protocol/webviewMessages';
import { waitFor } from '../support/poll';
import { paramLensApi, paramLensExtension } from './paramLens';

async function exampleGraph(): Promise<AttributionGraph> {
  const file = vscode.Uri.joinPath(paramLensExtension().extensionUri, 'examples', 'tiny.graph.json');
  return JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(file))) as AttributionGraph;
}

describe('attribution graph', () => {
  it('lays out and draws every node of the example graph', async () => {
    const api = await paramLensApi();
    const graph = await exampleGraph();
    // Listen before running the command: the panel may render before the command's promise settles.
    let rendered: GraphViewToHost['rendered'] | undefined;
    const subscription = api.onDidRenderGraph((event) => (rendered = event));
    try {
      await vscode.commands.executeCommand('paramlens.openAttributionGraph');
      const result = await waitFor('the graph panel to report a render', () => rendered, {
        timeoutMs: 45_000,
      });
      assert.equal(result.nodes, graph.nodes.length);
      assert.equal(result.edges, graph.edges.length);
      assert.ok(Number.isFinite(result.layoutMs) && result.layoutMs >= 0, `layoutMs is ${result.layoutMs}`);
    } finally {
      subscription.dispose();
    }
  });
});
