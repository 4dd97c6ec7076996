import path from 'node:path';
import * as vscode from 'vscode';
import {
  OPEN_LATEST_RUN_COMMAND,
  OPEN_PROMPT_GRAPH_COMMAND,
  RUN_DECOMPOSITION_COMMAND,
  type OpenLatestRunArgs,
  type OpenPromptGraphArgs,
  type RunDecompositionArgs,
} from '../protocol/lspRequests';
import type { GraphPanels } from './graphPanels';
import { resolvePythonInterpreter } from './pythonInterpreter';

const TASK_TYPE = 'paramlens';
const CONFIG_FILE = /\.decomp\.ya?ml$/;

/** The commands of a config's code lenses: train it, open its newest run, open or compute a prompt's graph. */
export function registerDecompositionCommands(graphPanels: GraphPanels): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(RUN_DECOMPOSITION_COMMAND, (args?: RunDecompositionArgs | vscode.Uri) =>
      runDecomposition(args),
    ),
    vscode.commands.registerCommand(OPEN_LATEST_RUN_COMMAND, (args: OpenLatestRunArgs) =>
      openLatestRun(args),
    ),
    vscode.commands.registerCommand(OPEN_PROMPT_GRAPH_COMMAND, (args: OpenPromptGraphArgs) =>
      openPromptGraph(args, graphPanels),
    ),
  ];
}

/** From a lens (its args), the explorer (a URI) or the palette (the active editor's config). */
async function runDecomposition(args: RunDecompositionArgs | vscode.Uri | undefined): Promise<void> {
  const config =
    args instanceof vscode.Uri
      ? args
      : args !== undefined
        ? vscode.Uri.parse(args.configUri)
        : vscode.window.activeTextEditor?.document.uri;
  if (config === undefined || config.scheme !== 'file' || !CONFIG_FILE.test(config.path)) {
    void vscode.window.showErrorMessage(
      'Run Decomposition needs a saved config file (*.decomp.yaml): open one in the editor first.',
    );
    return;
  }
  if (!trusted('train a decomposition')) return;
  // The engine reads the file from disk, so what the editor shows must be there.
  const open = vscode.workspace.textDocuments.find(
    (document) => document.uri.toString() === config.toString(),
  );
  if (open?.isDirty === true && !(await open.save())) return;
  const file = config.fsPath;
  await runTask(`decompose ${path.basename(file)}`, ['decompose', file], path.dirname(file));
}

async function openLatestRun({ configUri, runDir }: OpenLatestRunArgs): Promise<void> {
  if (runDir === null) {
    void vscode.window.showInformationMessage(
      `${configName(configUri)} has no run yet: "Run decomposition" starts one in runs/ beside it.`,
    );
    return;
  }
  await vscode.window.showTextDocument(vscode.Uri.file(path.join(runDir, 'run.json')));
}

async function openPromptGraph(args: OpenPromptGraphArgs, graphPanels: GraphPanels): Promise<void> {
  const { runDir, prompt, graphId } = args;
  if (runDir === null) {
    void vscode.window.showInformationMessage(
      `${configName(args.configUri)} has no run yet: graphs are computed on a finished run.`,
    );
    return;
  }
  const graph = vscode.Uri.file(path.join(runDir, 'graphs', `${graphId}.graph.json`));
  if (await exists(graph)) {
    await showGraph(graphPanels, graph);
    return;
  }
  const compute = 'Compute Graph';
  const choice = await vscode.window.showInformationMessage(
    `Run ${path.basename(runDir)} has no graph for "${prompt}" yet (graphs/${graphId}.graph.json).`,
    compute,
  );
  if (choice !== compute || !trusted('compute a graph')) return;
  const command = ['graph', runDir, '--prompt', prompt, '--id', graphId];
  const exitCode = await runTask(`graph ${graphId}`, command, path.dirname(runDir));
  if (exitCode === 0) await showGraph(graphPanels, graph);
}

/** Runs `python -m paramlens ARGS` as a task, whose terminal shows the progress; resolves with its exit code. */
async function runTask(name: string, args: string[], cwd: string): Promise<number | undefined> {
  const python = resolvePythonInterpreter();
  const task = new vscode.Task(
    { type: TASK_TYPE, command: args[0] ?? '' },
    vscode.TaskScope.Workspace,
    name,
    'paramlens',
    new vscode.ProcessExecution(python.command, ['-m', 'paramlens', ...args], { cwd }),
  );
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.Dedicated };
  const execution = await vscode.tasks.executeTask(task);
  return new Promise((resolve) => {
    const subscription = vscode.tasks.onDidEndTaskProcess((event) => {
      if (event.execution !== execution) return;
      subscription.dispose();
      resolve(event.exitCode);
    });
  });
}

async function showGraph(graphPanels: GraphPanels, graph: vscode.Uri): Promise<void> {
  try {
    await graphPanels.show(graph);
  } catch (error) {
    void vscode.window.showErrorMessage((error as Error).message);
  }
}

function trusted(action: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage(`ParamLens runs Python to ${action}: trust this workspace first.`);
  return false;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

function configName(configUri: string): string {
  return path.basename(vscode.Uri.parse(configUri).path);
}
