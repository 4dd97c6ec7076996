import type * as vscode from 'vscode';
import type { GraphViewToHost } from '../protocol/webviewMessages';
import { GraphPanel } from './graphPanel';
import { readGraphFile } from './openGraphCommand';

/** The open graph panels, one per graph file: opening a file again brings its panel to the front. */
export class GraphPanels implements vscode.Disposable {
  private readonly panels = new Map<string, GraphPanel>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    private readonly onRendered: (rendered: GraphViewToHost['rendered']) => void,
  ) {}

  async show(file: vscode.Uri): Promise<void> {
    const key = file.toString();
    const existing = this.panels.get(key);
    if (existing) {
      existing.reveal();
      return;
    }
    const graph = await readGraphFile(file);
    const panel = new GraphPanel(this.extensionUri, graph, file, this.log, this.onRendered);
    this.panels.set(key, panel);
    panel.onDidDispose(() => this.panels.delete(key));
  }

  dispose(): void {
    for (const panel of this.panels.values()) panel.dispose();
    this.panels.clear();
  }
}
