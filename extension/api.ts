import type * as vscode from 'vscode';
import type { HealthResponse, ServerConnection } from '../protocol/serverApi';
import type { DashboardToHost, GraphViewToHost } from '../protocol/webviewMessages';
import type { RunsNode } from './runsView';

/** What `activate()` returns: other extensions and the extension-host tests use it. */
export interface ParamLensApi {
  /** The running decomposition server's `/health`; rejects with the reason it could not start. */
  serverHealth(): Promise<HealthResponse>;
  /** Where the decomposition server answers (spawned or remote) once it is ready; undefined when none runs. */
  serverConnection(): Promise<ServerConnection | undefined>;
  /** Resolves once the language server has started. */
  languageClientReady(): Promise<void>;
  /** Fires each time a graph panel has laid out and drawn a graph. */
  onDidRenderGraph: vscode.Event<GraphViewToHost['rendered']>;
  /** Fires each time a run dashboard has drawn its charts. */
  onDidRenderDashboard: vscode.Event<DashboardToHost['rendered']>;
  /** The Runs view's contents, as the view shows them. */
  runsView: vscode.TreeDataProvider<RunsNode>;
}
