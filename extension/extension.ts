import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { HealthResponse } from '../protocol/serverApi';
import type { GraphViewToHost } from '../protocol/webviewMessages';
import type { ParamLensApi } from './api';
import { DecompositionServer } from './decompositionServer';
import { GraphPanel } from './graphPanel';
import { startLanguageClient } from './languageClient';
import { chooseGraphFile, readGraphFile } from './openGraphCommand';
import { resolvePythonInterpreter } from './pythonInterpreter';
import { ServerStatusBar } from './serverStatusBar';

let server: DecompositionServer | undefined;
let languageClient: LanguageClient | undefined;

export function activate(context: vscode.ExtensionContext): ParamLensApi {
  const serverLog = vscode.window.createOutputChannel('ParamLens Server', { log: true });
  const languageLog = vscode.window.createOutputChannel('ParamLens Language Server', { log: true });
  const statusBar = new ServerStatusBar();
  const rendered = new vscode.EventEmitter<GraphViewToHost['rendered']>();
  context.subscriptions.push(serverLog, languageLog, statusBar, rendered);

  let health: Promise<HealthResponse> = Promise.reject(new Error('The server has not been started.'));
  health.catch(() => undefined);

  const startServer = (): void => {
    server?.dispose();
    if (!vscode.workspace.isTrusted) {
      statusBar.untrusted();
      health = Promise.reject(new Error('The workspace is not trusted.'));
      health.catch(() => undefined);
      return;
    }
    const python = resolvePythonInterpreter();
    const serverPackageDir = vscode.Uri.joinPath(context.extensionUri, 'server').fsPath;
    const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const current = new DecompositionServer(python, serverPackageDir, cwd, serverLog);
    server = current;
    statusBar.starting();
    current.onDidExitUnexpectedly(() =>
      statusBar.failed('it exited; run "ParamLens: Restart Decomposition Server"'),
    );
    health = current.start().then(({ health }) => health);
    health.then(
      (ready) => statusBar.ready(ready),
      (error: Error) => {
        serverLog.error(error.message);
        statusBar.failed(error.message);
        void vscode.window.showErrorMessage(error.message, 'Show Log').then((choice) => {
          if (choice) serverLog.show();
        });
      },
    );
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('paramlens.showServerLog', () => serverLog.show()),
    vscode.commands.registerCommand('paramlens.restartServer', startServer),
    vscode.commands.registerCommand('paramlens.openAttributionGraph', async (uri?: vscode.Uri) => {
      const file = await chooseGraphFile(context.extensionUri, uri);
      if (!file) return;
      try {
        const graph = await readGraphFile(file);
        const panel = new GraphPanel(context.extensionUri, graph, file, serverLog, (r) => rendered.fire(r));
        context.subscriptions.push(panel);
      } catch (error) {
        void vscode.window.showErrorMessage((error as Error).message);
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(startServer),
    { dispose: () => server?.dispose() },
  );

  startServer();
  const clientReady = startLanguageClient(context, languageLog).then((client) => {
    languageClient = client;
  });
  clientReady.catch((error: Error) => {
    languageLog.error(`The language server failed to start: ${error.message}`);
    void vscode.window.showErrorMessage(`ParamLens language server failed to start: ${error.message}`);
  });

  return {
    serverHealth: () => health,
    languageClientReady: () => clientReady,
    onDidRenderGraph: rendered.event,
  };
}

export async function deactivate(): Promise<void> {
  server?.dispose();
  await languageClient?.stop();
}
