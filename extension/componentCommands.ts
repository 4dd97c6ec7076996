import path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { parseSubcomponentId } from '../protocol/ids';
import {
  OPEN_COMPONENT_IN_GRAPH_COMMAND,
  SelectRunNotification,
  SHOW_COMPONENT_EXAMPLES_COMMAND,
  type ComponentCommandArgs,
  type SelectRunParams,
} from '../protocol/lspRequests';
import { ExamplesDocuments, EXAMPLES_SCHEME, examplesUri } from './examplesDocument';
import { graphHasComponent } from './graphComponents';
import type { GraphPanels } from './graphPanels';
import { readGraphFile } from './openGraphCommand';

export const SELECT_RUN_COMMAND = 'paramlens.selectRun';

/**
 * The commands behind the links of a subcomponent card ("Open in graph", "Show all examples"), and the
 * choice of the run whose harvest answers the cards.
 */
export function registerComponentCommands(
  client: () => LanguageClient | undefined,
  graphPanels: GraphPanels,
): vscode.Disposable[] {
  return [
    vscode.workspace.registerTextDocumentContentProvider(EXAMPLES_SCHEME, new ExamplesDocuments(client)),
    vscode.commands.registerCommand(SHOW_COMPONENT_EXAMPLES_COMMAND, showExamples),
    vscode.commands.registerCommand(OPEN_COMPONENT_IN_GRAPH_COMMAND, (args: ComponentCommandArgs) =>
      openInGraph(args, graphPanels),
    ),
    vscode.commands.registerCommand(SELECT_RUN_COMMAND, () => selectRun(client())),
  ];
}

async function showExamples(args: ComponentCommandArgs): Promise<void> {
  const uri = examplesUri(args);
  try {
    await vscode.commands.executeCommand('markdown.showPreview', uri);
  } catch {
    // Without the built-in Markdown extension, the source is still readable.
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(
      await vscode.languages.setTextDocumentLanguage(document, 'markdown'),
    );
  }
}

/** Opens the newest graph of the run that has the subcomponent at some position. */
async function openInGraph(args: ComponentCommandArgs, graphPanels: GraphPanels): Promise<void> {
  const id = parseSubcomponentId(args.id);
  if (id === undefined) return;
  const graphsDir = vscode.Uri.file(path.join(args.runDir, 'graphs'));
  const run = path.basename(args.runDir);
  for (const file of await graphsNewestFirst(graphsDir)) {
    try {
      if (!graphHasComponent(await readGraphFile(file), id)) continue;
      await graphPanels.show(file);
      return;
    } catch (error) {
      void vscode.window.showErrorMessage((error as Error).message);
      return;
    }
  }
  void vscode.window.showInformationMessage(
    `No attribution graph of run ${run} contains ${args.id}: graphs are in runs/${run}/graphs/, and a graph ` +
      'holds the subcomponents important for its prompt.',
  );
}

async function graphsNewestFirst(folder: vscode.Uri): Promise<vscode.Uri[]> {
  let entries: [string, vscode.FileType][];
  try {
    entries = await vscode.workspace.fs.readDirectory(folder);
  } catch {
    return [];
  }
  const graphs = entries
    .filter(([name, type]) => type === vscode.FileType.File && name.endsWith('.graph.json'))
    .map(([name]) => vscode.Uri.joinPath(folder, name));
  const stats = await Promise.all(graphs.map((uri) => vscode.workspace.fs.stat(uri)));
  return graphs
    .map((uri, index) => ({ uri, mtime: stats[index]?.mtime ?? 0 }))
    .sort((a, b) => b.mtime - a.mtime)
    .map(({ uri }) => uri);
}

/** Picks the run whose harvest answers every card, or goes back to each config's newest harvested run. */
async function selectRun(client: LanguageClient | undefined): Promise<void> {
  if (client === undefined) {
    void vscode.window.showErrorMessage('The ParamLens language server is not running.');
    return;
  }
  const harvests = await vscode.workspace.findFiles('**/runs/*/harvest.sqlite', '**/node_modules/**', 500);
  const newest = { label: 'Newest harvested run of each config', runDir: null };
  const runs = harvests
    .map((uri) => path.dirname(uri.fsPath))
    .sort()
    .reverse()
    .map((runDir) => ({
      label: path.basename(runDir),
      description: vscode.workspace.asRelativePath(runDir),
      runDir,
    }));
  const picked = await vscode.window.showQuickPick([newest, ...runs], {
    placeHolder: 'Run whose harvest answers subcomponent hovers',
  });
  if (picked === undefined) return;
  const params: SelectRunParams = { runDir: picked.runDir };
  await client.sendNotification(SelectRunNotification, params);
}
