// What can be done to a run from the Runs view (its context menu) or the palette: harvest it, evaluate it, graph
// an input, optimise a circuit, export it for ONNX inference, reveal its folder, resume, stop or delete it. Every job
// goes through the decomposition server; its progress and end are shown by RunActivity.
import * as vscode from 'vscode';
import type { InterventionSpec, RunInfo, StartJobRequest } from '../protocol/serverApi';
import { evaluationMarkdown, interventionMarkdown, type Evaluation } from './resultDocuments';
import type { DashboardPanels } from './dashboardPanel';
import type { ClientSource } from './decompositionCommands';
import type { GraphPanels } from './graphPanels';
import type { RunActivity } from './runActivity';
import type { RunNode, RunsView } from './runsView';
import { ServerError, type ServerClient } from './serverClient';

/** `1=1,3=0.5` or `1,3`: a toy model's input, feature index = value (1 when left out). */
const FEATURES = /^\s*\d+(\s*=\s*[-+0-9.eE]+)?(\s*,\s*\d+(\s*=\s*[-+0-9.eE]+)?)*\s*$/;

export interface RunCommandContext {
  view: RunsView;
  client: ClientSource;
  activity: RunActivity;
  graphPanels: GraphPanels;
  /** The spawned server's runs folder on this machine; undefined for a remote server. */
  runsRoot: () => string | undefined;
  /** Where graphs fetched from a remote server are kept while they are open. */
  storage: vscode.Uri;
  dashboards: DashboardPanels;
}

export function registerRunCommands(context: RunCommandContext): vscode.Disposable[] {
  // A command returns what its action does (a followed job's outcome), for callers such as the tests.
  const command = (
    name: string,
    action: (server: ServerClient, run: RunInfo, ...rest: unknown[]) => Promise<unknown>,
  ): vscode.Disposable =>
    vscode.commands.registerCommand(`paramlens.${name}`, async (node?: RunNode, ...rest: unknown[]) => {
      const server = await context.client();
      if (server === undefined) return undefined;
      const run = node?.run ?? (await pickRun(server));
      if (run === undefined) return undefined;
      try {
        return await action(server, run, ...rest);
      } catch (error) {
        const message = error instanceof ServerError ? error.message : (error as Error).message;
        void vscode.window.showErrorMessage(`${run.run_id}: ${message}`);
        return undefined;
      } finally {
        context.view.refresh();
      }
    });
  const job = async (server: ServerClient, run: RunInfo, request: StartJobRequest, title: string) => {
    const started = await server.startJob(run.run_id, request);
    const queued = started.jobs.at(-1);
    if (queued === undefined) return undefined;
    context.view.refresh();
    return context.activity.follow(server, run.run_id, queued.id, title, queued.id);
  };

  return [
    vscode.commands.registerCommand('paramlens.refreshRuns', () => context.view.refresh()),
    command('openDashboard', async (server, run) => {
      context.dashboards.open(server, run, context.runsRoot());
      await Promise.resolve();
    }),
    command('harvestRun', async (server, run) => {
      const outcome = await job(server, run, { kind: 'harvest', params: {} }, `harvest ${run.run_id}`);
      if (outcome?.exitCode === 0)
        void vscode.window.showInformationMessage(
          `${run.run_id} is harvested: its subcomponents are listed.`,
        );
    }),
    command('graphRun', async (server, run) => {
      const input = await askInput(run, 'Graph of which input?');
      if (input === undefined) return;
      const outcome = await job(server, run, { kind: 'graph', params: input }, `graph of ${describe(input)}`);
      if (outcome?.exitCode === 0) await openNewestGraph(context, server, run);
    }),
    // Returns the metrics, for callers such as the tests.
    command('evalRun', async (server, run) => {
      const outcome = await job(server, run, { kind: 'eval', params: {} }, `evaluate ${run.run_id}`);
      if (outcome === undefined || outcome.exitCode !== 0) return undefined;
      const printed = [...outcome.log].reverse().find((line) => line.startsWith('{'));
      if (printed === undefined) throw new Error('the evaluation printed no metrics');
      const evaluation = JSON.parse(printed) as Evaluation;
      await showMarkdown(evaluationMarkdown(evaluation));
      return evaluation;
    }),
    command('optimizeCircuitRun', async (server, run) => {
      const input = await askInput(run, 'Circuit on which input?');
      if (input === undefined) return;
      const target = await vscode.window.showInputBox({
        title: 'Optimise a circuit',
        prompt: 'features' in input ? 'The output index to keep' : 'The token to keep predicting (one token)',
        ignoreFocusOut: true,
      });
      if (!target) return;
      const params = { ...input, target };
      const outcome = await job(server, run, { kind: 'optimize-circuit', params }, `circuit for ${target}`);
      if (outcome?.exitCode === 0) await openNewestGraph(context, server, run);
    }),
    // `given`: the whole intervention, from a caller that asks no questions (the tests).
    command('interveneRun', async (server, run, given?: unknown) => {
      const spec = (given as InterventionSpec | undefined) ?? (await askIntervention(run));
      if (spec === undefined) return undefined;
      const result = await server.intervene(run.run_id, spec);
      await showMarkdown(interventionMarkdown(result));
      return result;
    }),
    command('exportOnnxRun', async (server, run) => {
      const outcome = await job(server, run, { kind: 'export-onnx', params: {} }, `export ${run.run_id}`);
      if (outcome?.exitCode === 0)
        void vscode.window.showInformationMessage(
          `${run.run_id} is exported: model.onnx answers interventions.`,
        );
    }),
    command('resumeRun', async (server, run) => {
      const resumed = await server.resumeRun(run.run_id);
      const queued = resumed.job;
      if (queued === null) return undefined;
      return context.activity.follow(server, run.run_id, queued.id, `decompose ${run.run_id}`);
    }),
    command('stopRun', async (server, run) => {
      await server.cancelRun(run.run_id);
    }),
    command('deleteRun', async (server, run) => {
      const remove = 'Delete';
      const choice = await vscode.window.showWarningMessage(
        `Delete run ${run.run_id} and every file in its folder?`,
        { modal: true },
        remove,
      );
      if (choice === remove) await server.deleteRun(run.run_id);
    }),
    command('revealRun', async (_server, run) => {
      const root = context.runsRoot();
      if (root === undefined) throw new Error('the run is on the remote server, not on this machine');
      await vscode.commands.executeCommand(
        'revealFileInOS',
        vscode.Uri.joinPath(vscode.Uri.file(root), run.run_id, 'run.json'),
      );
    }),
  ];
}

/** An untitled Markdown document beside the editor: a result to read, keep or throw away. */
async function showMarkdown(content: string): Promise<void> {
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content });
  await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: true });
}

async function pickRun(server: ServerClient): Promise<RunInfo | undefined> {
  const runs = await server.listRuns();
  const picked = await vscode.window.showQuickPick(
    runs.map((run) => ({
      label: run.run_id,
      description: `${run.status} · ${run.step}/${run.total_steps}`,
      run,
    })),
    { title: 'Which run?' },
  );
  return picked?.run;
}

type InputParams = { prompt: string } | { features: Record<string, number> };

/** An input, whether to keep or ablate, and which subcomponents: three questions. */
async function askIntervention(run: RunInfo): Promise<InterventionSpec | undefined> {
  const input = await askInput(run, 'Intervene on which input?');
  if (input === undefined) return undefined;
  const mode = await vscode.window.showQuickPick(
    [
      { label: 'Keep only', description: 'mask every other subcomponent', mode: 'keep' as const },
      { label: 'Ablate', description: 'mask these subcomponents', mode: 'ablate' as const },
    ],
    { title: `Intervene on ${describe(input)}` },
  );
  if (mode === undefined) return undefined;
  const ids = await vscode.window.showInputBox({
    title: `${mode.label}: which subcomponents?`,
    prompt: 'Subcomponent IDs, comma-separated: h.1.mlp.down_proj:12, or short names such as 1.mlp.down:12',
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() === '' ? 'Give at least one subcomponent ID.' : undefined),
  });
  if (ids === undefined) return undefined;
  const list = ids
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  return { ...input, [mode.mode]: list } as InterventionSpec;
}

/** A prompt, or a toy's active features (`1=1,3=0.5`); the editor's selection is offered first. */
async function askInput(run: RunInfo, title: string): Promise<InputParams | undefined> {
  const selection = vscode.window.activeTextEditor?.selection;
  const selected =
    selection === undefined ? '' : (vscode.window.activeTextEditor?.document.getText(selection) ?? '');
  const text = await vscode.window.showInputBox({
    title: `${title} (${run.run_id})`,
    prompt: 'A prompt, or for a toy model its active features as index=value, e.g. 1=1,3=0.5',
    value: selected,
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() === '' ? 'Give a prompt or features.' : undefined),
  });
  if (text === undefined) return undefined;
  if (!FEATURES.test(text)) return { prompt: text };
  const features: Record<string, number> = {};
  for (const item of text.split(',')) {
    const [index, value] = item.split('=');
    features[(index ?? '').trim()] = value === undefined ? 1 : Number(value);
  }
  return { features };
}

function describe(input: InputParams): string {
  if ('prompt' in input)
    return `"${input.prompt.length > 30 ? `${input.prompt.slice(0, 30)}…` : input.prompt}"`;
  return Object.entries(input.features)
    .map(([index, value]) => `${index}=${value}`)
    .join(', ');
}

/** The run's newest graph in a panel: from its folder when it is on this machine, else through the API. */
async function openNewestGraph(
  context: RunCommandContext,
  server: ServerClient,
  run: RunInfo,
): Promise<void> {
  const [newest] = await server.listGraphs(run.run_id);
  if (newest === undefined) return;
  const root = context.runsRoot();
  let file: vscode.Uri;
  if (root !== undefined) {
    file = vscode.Uri.joinPath(vscode.Uri.file(root), run.run_id, 'graphs', `${newest.id}.graph.json`);
  } else {
    const graph = await server.getGraph(run.run_id, newest.id);
    file = vscode.Uri.joinPath(context.storage, 'remote-graphs', run.run_id, `${newest.id}.graph.json`);
    await vscode.workspace.fs.writeFile(file, Buffer.from(JSON.stringify(graph)));
  }
  await context.graphPanels.show(file);
}
