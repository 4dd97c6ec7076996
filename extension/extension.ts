import * as fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ServerConnectionNotification } from '../protocol/lspRequests';
import type { DashboardToHost, GraphViewToHost } from '../protocol/webviewMessages';
import type { ParamLensApi } from './api';
import { registerComponentCommands } from './componentCommands';
import { DashboardPanels } from './dashboardPanel';
import { registerExampleConfig } from './exampleConfig';
import { registerDecompositionCommands, type ClientSource } from './decompositionCommands';
import { GraphPanels } from './graphPanels';
import { startLanguageClient } from './languageClient';
import { chooseGraphFile } from './openGraphCommand';
import { onDidChangePythonInterpreter } from './pythonInterpreter';
import { savedRemote, registerRemoteCommands } from './remoteCommands';
import { RunActivity } from './runActivity';
import { registerRunCommands } from './runCommands';
import { RunsView } from './runsView';
import { ServerClient } from './serverClient';
import { ServerStatusBar } from './serverStatusBar';
import { registerServerEnvironment, type ServerInstall } from './serverEnvironment';
import { ServerSupervisor } from './serverSupervisor';
import type { RunningServer } from './decompositionServer';

let languageClient: LanguageClient | undefined;

export function activate(context: vscode.ExtensionContext): ParamLensApi {
  const serverLog = vscode.window.createOutputChannel('ParamLens Server', { log: true });
  const languageLog = vscode.window.createOutputChannel('ParamLens Language Server', { log: true });
  const statusBar = new ServerStatusBar();
  const rendered = new vscode.EventEmitter<GraphViewToHost['rendered']>();
  const install = serverInstall(context.extensionUri);
  const supervisor = new ServerSupervisor(install.display, statusBar, serverLog);
  const graphPanels = new GraphPanels(context.extensionUri, serverLog, (r) => rendered.fire(r));
  // Background readers ask quietly: an error box each time they redraw would help nobody.
  const quietClient = async (): Promise<ServerClient | undefined> => {
    const running = await supervisor.runningServer();
    return running === undefined ? undefined : new ServerClient(running.handshake);
  };
  const activity = new RunActivity(serverLog, quietClient);
  const dashboardRendered = new vscode.EventEmitter<DashboardToHost['rendered']>();
  const dashboards = new DashboardPanels(context.extensionUri, serverLog, quietClient, (r) =>
    dashboardRendered.fire(r),
  );
  context.subscriptions.push(dashboards, dashboardRendered);
  context.subscriptions.push(serverLog, languageLog, statusBar, rendered, supervisor, graphPanels, activity);
  const client: ClientSource = async () => {
    const running = await supervisor.runningServer();
    if (running !== undefined) return new ServerClient(running.handshake);
    const choice = await vscode.window.showErrorMessage(
      'The decomposition server is not running, so ParamLens cannot start the job.',
      'Show Log',
      'Restart Server',
    );
    if (choice === 'Show Log') serverLog.show();
    if (choice === 'Restart Server') supervisor.restart();
    return undefined;
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('paramlens.showServerLog', () => serverLog.show()),
    vscode.commands.registerCommand('paramlens.restartServer', () => supervisor.restart()),
    vscode.commands.registerCommand('paramlens.openAttributionGraph', async (uri?: vscode.Uri) => {
      const file = await chooseGraphFile(context.extensionUri, uri);
      if (!file) return;
      try {
        await graphPanels.show(file);
      } catch (error) {
        void vscode.window.showErrorMessage((error as Error).message);
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => supervisor.restart()),
    ...registerRemoteCommands(context, supervisor),
    registerExampleConfig(context.extensionUri),
    registerServerEnvironment(context, install, () => supervisor.restart()),
    ...registerComponentCommands(() => languageClient, graphPanels),
    ...registerDecompositionCommands(graphPanels, client, activity),
  );
  const runsView = new RunsView(quietClient, () => supervisor.runsRoot());
  activity.onDidChange(() => runsView.refresh());
  activity.onDidChange((runId) => dashboards.wake(runId));
  supervisor.onDidChangeServer(() => runsView.refresh());
  const runFiles = vscode.workspace.createFileSystemWatcher('**/runs/*/run.json');
  context.subscriptions.push(
    runsView,
    runFiles,
    vscode.window.registerTreeDataProvider('paramlens.runs', runsView),
    runFiles.onDidChange(() => runsView.refresh()),
    runFiles.onDidCreate(() => runsView.refresh()),
    runFiles.onDidDelete(() => runsView.refresh()),
    ...registerRunCommands({
      view: runsView,
      client,
      activity,
      graphPanels,
      runsRoot: () => supervisor.runsRoot(),
      storage: context.globalStorageUri,
      dashboards,
    }),
  );

  void savedRemote(context).then((remote) => supervisor.start(remote));
  // A different interpreter chosen in the Python extension is a different server.
  void onDidChangePythonInterpreter(() => {
    if (supervisor.remoteUrl() === undefined) supervisor.restart();
  }).then(
    (subscription) => context.subscriptions.push(subscription),
    (error: Error) => serverLog.warn(`The Python extension's interpreter is not followed: ${error.message}`),
  );
  const clientReady = startLanguageClient(context, languageLog).then((client) => {
    languageClient = client;
    // The language server asks the decomposition server itself: it hears where it is, now and on change.
    const tell = (running: RunningServer | undefined): void =>
      void client.sendNotification(ServerConnectionNotification, {
        server: running === undefined ? null : { url: running.handshake.url, token: running.handshake.token },
      });
    void supervisor.runningServer().then(tell);
    context.subscriptions.push(supervisor.onDidChangeServer(tell));
  });
  clientReady.catch((error: Error) => {
    languageLog.error(`The language server failed to start: ${error.message}`);
    void vscode.window.showErrorMessage(`ParamLens language server failed to start: ${error.message}`);
  });

  return {
    serverHealth: () => supervisor.serverHealth(),
    serverConnection: async () => {
      const running = await supervisor.runningServer();
      return running === undefined
        ? undefined
        : { url: running.handshake.url, token: running.handshake.token };
    },
    languageClientReady: () => clientReady,
    onDidRenderGraph: rendered.event,
    onDidRenderDashboard: dashboardRendered.event,
    runsView,
  };
}

/** What `pip install` takes to install the server: the wheel a packaged extension carries, else the checkout's. */
function serverInstall(extensionUri: vscode.Uri): ServerInstall {
  const wheels = path.join(extensionUri.fsPath, 'dist', 'wheels');
  const wheel = fs.existsSync(wheels)
    ? fs.readdirSync(wheels).find((name) => name.endsWith('.whl'))
    : undefined;
  const args =
    wheel === undefined ? ['-e', path.join(extensionUri.fsPath, 'server')] : [path.join(wheels, wheel)];
  return { args, display: args.map((arg) => (arg.startsWith('-') ? arg : `"${arg}"`)).join(' ') };
}

export async function deactivate(): Promise<void> {
  await languageClient?.stop();
}
