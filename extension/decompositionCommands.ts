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
import type { RunInfo } from '../protocol/serverApi';
import type { GraphPanels } from './graphPanels';
import { headline, type JobOutcome, type RunActivity } from './runActivity';
import { ServerError, type ServerClient } from './serverClient';

const CONFIG_FILE = /\.decomp\.ya?ml$/;

/** The server every job goes through, or undefined (after telling the user why) when none runs. */
export type ClientSource = () => Promise<ServerClient | undefined>;

/** The commands of a config's code lenses: train it, open its newest run, open or compute a prompt's graph. */
export function registerDecompositionCommands(
  graphPanels: GraphPanels,
  client: ClientSource,
  activity: RunActivity,
): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(RUN_DECOMPOSITION_COMMAND, (args?: RunDecompositionArgs | vscode.Uri) =>
      runDecomposition(args, client, activity),
    ),
    vscode.commands.registerCommand(OPEN_LATEST_RUN_COMMAND, (args: OpenLatestRunArgs) =>
      openLatestRun(args),
    ),
    vscode.commands.registerCommand(OPEN_PROMPT_GRAPH_COMMAND, (args: OpenPromptGraphArgs) =>
      openPromptGraph(args, graphPanels, client, activity),
    ),
  ];
}

/**
 * From a lens (its args), the explorer (a URI) or the palette (the active editor's config): the config's text
 * as the editor holds it, saved or not, goes to the server, which queues the run; its progress follows.
 */
async function runDecomposition(
  args: RunDecompositionArgs | vscode.Uri | undefined,
  client: ClientSource,
  activity: RunActivity,
): Promise<RunInfo | undefined> {
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
  const server = await client();
  if (server === undefined) return;
  const document = await vscode.workspace.openTextDocument(config);
  let run: RunInfo;
  try {
    run = await server.createRun({ config: document.getText(), config_path: config.fsPath });
  } catch (error) {
    void vscode.window.showErrorMessage(refusal(path.basename(config.fsPath), error));
    return;
  }
  const job = run.job;
  if (job === null) return run;
  if (vscode.workspace.getConfiguration('paramlens').get<boolean>('openDashboardOnRun', true))
    void vscode.commands.executeCommand('paramlens.openDashboard', { kind: 'run', run });
  const outcome = await activity.follow(server, run.run_id, job.id, `decompose ${run.run_id}`);
  void reportDecomposition(outcome);
  return outcome.run;
}

/** One notification when a decomposition ends: its headline numbers or why it stopped, and what to do next. */
async function reportDecomposition(outcome: JobOutcome): Promise<void> {
  const { run } = outcome;
  // The buttons run the Runs view's commands on this run.
  const next: Record<string, string> = { 'Open Dashboard': 'paramlens.openDashboard' };
  let choice: string | undefined;
  if (run.status === 'done') {
    const numbers = headline(run.summary);
    next['Harvest'] = 'paramlens.harvestRun';
    next['Graph…'] = 'paramlens.graphRun';
    choice = await vscode.window.showInformationMessage(
      `Decomposition ${run.run_id} is done${numbers === undefined ? '' : `: ${numbers}`}.`,
      ...Object.keys(next),
    );
  } else if (run.status === 'failed') {
    choice = await vscode.window.showErrorMessage(
      `Decomposition ${run.run_id} failed: ${run.error ?? 'no reason given'}`,
      ...Object.keys(next),
    );
  } else {
    next['Resume'] = 'paramlens.resumeRun';
    choice = await vscode.window.showWarningMessage(
      `Decomposition ${run.run_id} stopped at step ${run.step}/${run.total_steps} (${run.status})` +
        (run.error ? `: ${run.error}` : '.'),
      ...Object.keys(next),
    );
  }
  if (choice !== undefined) await vscode.commands.executeCommand(next[choice]!, { kind: 'run', run });
}

/** What the server said when it refused a request, in one sentence. */
function refusal(subject: string, error: unknown): string {
  if (error instanceof ServerError) return `${subject}: ${error.message}`;
  return `${subject}: the decomposition server could not be reached (${(error as Error).message}).`;
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

async function openPromptGraph(
  args: OpenPromptGraphArgs,
  graphPanels: GraphPanels,
  client: ClientSource,
  activity: RunActivity,
): Promise<void> {
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
  const server = await client();
  if (server === undefined) return;
  const runId = path.basename(runDir);
  let started: RunInfo;
  try {
    started = await server.startJob(runId, { kind: 'graph', params: { prompt, id: graphId } });
  } catch (error) {
    void vscode.window.showErrorMessage(refusal(`Graph of "${prompt}"`, error));
    return;
  }
  const job = started.jobs.at(-1);
  if (job === undefined) return;
  const outcome = await activity.follow(server, runId, job.id, `graph ${graphId}`, job.id);
  if (outcome.exitCode === 0) await showGraph(graphPanels, graph);
  else if (!outcome.cancelled)
    void vscode.window.showErrorMessage(
      `The graph of "${prompt}" could not be computed: see the server log.`,
    );
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

/** Whether a file or folder is at `uri`, on whatever file system holds it. */
export async function exists(uri: vscode.Uri): Promise<boolean> {
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
