import * as vscode from 'vscode';
import type { AttributionGraph } from '../protocol/graph';
import type {
  GraphViewToHost,
  GraphViewToHostMessage,
  HostToGraphViewMessage,
} from '../protocol/webviewMessages';
import { webviewHtml, webviewRoots } from './webviewPage';

/**
 * One webview panel showing an attribution graph. The webview asks for the graph with `ready` (again after
 * VS Code reloads a hidden panel), so the host keeps the graph and answers each time.
 */
export class GraphPanel implements vscode.Disposable {
  static readonly viewType = 'paramlens.attributionGraph';
  private readonly panel: vscode.WebviewPanel;
  private readonly disposables: vscode.Disposable[] = [];
  /** Fires when the user closes the panel. */
  readonly onDidDispose: vscode.Event<void>;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly graph: AttributionGraph,
    private readonly source: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    private readonly onRendered: (rendered: GraphViewToHost['rendered']) => void,
  ) {
    this.panel = vscode.window.createWebviewPanel(
      GraphPanel.viewType,
      `Graph: ${graph.prompt || graph.id}`,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: true, localResourceRoots: webviewRoots(extensionUri), retainContextWhenHidden: false },
    );
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'graph.svg');
    this.onDidDispose = this.panel.onDidDispose;
    this.panel.webview.html = this.html();
    this.disposables.push(
      this.panel.webview.onDidReceiveMessage((message: GraphViewToHostMessage) => this.receive(message)),
      this.panel.onDidDispose(() => this.dispose()),
    );
  }

  private receive(message: GraphViewToHostMessage): void {
    switch (message.type) {
      case 'ready':
        this.post({
          type: 'showGraph',
          graph: this.graph,
          source: vscode.workspace.asRelativePath(this.source),
        });
        break;
      case 'rendered':
        this.log.info(
          `Graph ${this.graph.id}: ${message.nodes} nodes, ${message.edges} edges, layout ${message.layoutMs} ms`,
        );
        this.onRendered({ nodes: message.nodes, edges: message.edges, layoutMs: message.layoutMs });
        break;
      case 'selectNode':
        this.log.debug(`Graph ${this.graph.id}: selected ${message.nodeId}`);
        break;
      case 'error':
        this.log.error(`Graph view: ${message.message}`);
        void vscode.window.showErrorMessage(`ParamLens graph view: ${message.message}`);
        break;
    }
  }

  private post(message: HostToGraphViewMessage): void {
    void this.panel.webview.postMessage(message);
  }

  private html(): string {
    return webviewHtml(this.panel.webview, this.extensionUri, {
      title: 'Attribution graph',
      styles: [
        { path: 'dist/webview/codicon.css', id: 'vscode-codicon-stylesheet' },
        { path: 'media/graphView.css' },
      ],
      body: '  <div id="toolbar"></div>\n  <div id="graph"></div>',
      script: 'dist/webview/graphView.js',
      scriptAssets: { 'elk-worker': 'dist/webview/elkWorker.js' },
      allow: ['images', 'workers'],
    });
  }

  reveal(): void {
    this.panel.reveal(undefined, true);
  }

  dispose(): void {
    this.panel.dispose();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}
