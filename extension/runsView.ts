// The Runs view of the ParamLens activity-bar container: every run the decomposition server knows, with its
// status, step and headline numbers; under a run its decomposed modules with C and alive counts; under a
// harvested module its subcomponents, densest first, with their labels. It asks the server (spawned or
// remote), so it shows the same whether or not the run directories are on this machine.
import * as vscode from 'vscode';
import type { ComponentSummary, RunInfo } from '../protocol/serverApi';
import type { ModuleRecord } from '../protocol/runFiles';
import { formatDuration, headline } from './runActivity';
import type { ServerClient } from './serverClient';

/** Subcomponents listed under a module; the rest are a click on "Show all examples" away. */
const COMPONENTS_SHOWN = 50;

export type RunsNode = RunNode | ModuleNode | ComponentNode | MessageNode;

export interface RunNode {
  kind: 'run';
  run: RunInfo;
}
export interface ModuleNode {
  kind: 'module';
  run: RunInfo;
  module: ModuleRecord;
}
export interface ComponentNode {
  kind: 'component';
  run: RunInfo;
  module: string;
  component: ComponentSummary;
}
export interface MessageNode {
  kind: 'message';
  text: string;
}

export class RunsView implements vscode.TreeDataProvider<RunsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private pending: NodeJS.Timeout | undefined;

  /** `client` gives the server without prompting: undefined while none runs. */
  constructor(
    private readonly client: () => Promise<ServerClient | undefined>,
    private readonly runsRoot: () => string | undefined,
  ) {}

  /** Redraw soon; calls within a quarter second redraw once. */
  refresh(): void {
    if (this.pending !== undefined) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.changed.fire(undefined);
    }, 250);
  }

  async getChildren(node?: RunsNode): Promise<RunsNode[]> {
    const server = await this.client();
    if (server === undefined) return [{ kind: 'message', text: 'The decomposition server is not running.' }];
    if (node === undefined) {
      const runs = await server.listRuns();
      if (runs.length === 0) return [{ kind: 'message', text: 'No runs yet: run a *.decomp.yaml config.' }];
      return runs.map((run) => ({ kind: 'run', run }));
    }
    if (node.kind === 'run') {
      return node.run.modules.map((module) => ({ kind: 'module', run: node.run, module }));
    }
    if (node.kind === 'module' && harvested(node.run)) {
      const listing = await server.listComponents(node.run.run_id, node.module.path, COMPONENTS_SHOWN);
      return listing.components.map((component) => ({
        kind: 'component',
        run: node.run,
        module: node.module.path,
        component,
      }));
    }
    return [];
  }

  getTreeItem(node: RunsNode): vscode.TreeItem {
    switch (node.kind) {
      case 'message':
        return new vscode.TreeItem(node.text);
      case 'run':
        return this.runItem(node.run);
      case 'module':
        return moduleItem(node.run, node.module);
      case 'component':
        return this.componentItem(node);
    }
  }

  private runItem(run: RunInfo): vscode.TreeItem {
    const item = new vscode.TreeItem(
      run.run_id,
      run.modules.length > 0
        ? vscode.TreeItemCollapsibleState.Collapsed
        : vscode.TreeItemCollapsibleState.None,
    );
    item.id = `run:${run.run_id}`;
    const numbers = headline(run.summary);
    const progress = run.status === 'done' ? undefined : `${run.step}/${run.total_steps}`;
    item.description = [statusText(run), progress, numbers].filter(Boolean).join(' · ');
    item.iconPath = statusIcon(run);
    item.contextValue = `run.${run.status}${run.jobs.length > 0 ? '.busy' : ''}${harvested(run) ? '.harvested' : ''}`;
    const tooltip = new vscode.MarkdownString(`**${run.run_id}** · ${run.status}\n\n`);
    tooltip.appendMarkdown(`step ${run.step} of ${run.total_steps} · device \`${run.device}\`\n\n`);
    if (numbers !== undefined) tooltip.appendMarkdown(`${numbers}\n\n`);
    if (run.error) tooltip.appendMarkdown(`${run.error}\n\n`);
    tooltip.appendText(run.config_file);
    item.tooltip = tooltip;
    const folder = this.runsRoot();
    if (folder !== undefined) item.resourceUri = vscode.Uri.joinPath(vscode.Uri.file(folder), run.run_id);
    return item;
  }

  private componentItem(node: ComponentNode): vscode.TreeItem {
    const { component } = node.component;
    const item = new vscode.TreeItem(`${component}${node.component.label ? ` ${node.component.label}` : ''}`);
    item.id = `component:${node.run.run_id}:${node.module}:${component}`;
    item.description = `density ${(100 * node.component.density).toPrecision(2)}% · mean CI ${node.component.mean_ci.toPrecision(2)}`;
    item.iconPath = new vscode.ThemeIcon(node.component.alive ? 'symbol-event' : 'circle-slash');
    item.contextValue = 'component';
    const folder = this.runsRoot();
    if (folder !== undefined) {
      const runDir = vscode.Uri.joinPath(vscode.Uri.file(folder), node.run.run_id).fsPath;
      item.command = {
        command: 'paramlens.showComponentExamples',
        title: 'Show All Examples',
        arguments: [{ runDir, id: `${node.module}:${component}` }],
      };
    }
    return item;
  }

  dispose(): void {
    if (this.pending !== undefined) clearTimeout(this.pending);
    this.changed.dispose();
  }
}

function moduleItem(run: RunInfo, module: ModuleRecord): vscode.TreeItem {
  const item = new vscode.TreeItem(
    module.path,
    harvested(run) ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
  );
  item.id = `module:${run.run_id}:${module.path}`;
  const evaluation = run.summary.eval as { alive?: Record<string, number> } | undefined;
  const alive = evaluation?.alive?.[module.path];
  item.description = `C ${module.C}${alive === undefined ? '' : ` · ${alive} alive`} · ${module.d_in}→${module.d_out}`;
  item.iconPath = new vscode.ThemeIcon('symbol-array');
  item.tooltip = harvested(run) ? undefined : 'Harvest the run to list its subcomponents.';
  return item;
}

function harvested(run: RunInfo): boolean {
  return run.files.includes('harvest.sqlite');
}

function statusText(run: RunInfo): string {
  const job = run.job;
  if (job !== null && job.kind !== 'decompose') return `${run.status}, ${job.kind} ${job.state}`;
  if (run.status === 'running') {
    const eta = (run.summary.train as { it_per_s?: number } | undefined)?.it_per_s;
    if (typeof eta === 'number' && eta > 0)
      return `running, ${formatDuration((run.total_steps - run.step) / eta)} left`;
  }
  return run.status;
}

function statusIcon(run: RunInfo): vscode.ThemeIcon {
  if (run.jobs.length > 0) return new vscode.ThemeIcon('sync~spin');
  switch (run.status) {
    case 'done':
      return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
    case 'failed':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
    case 'queued':
      return new vscode.ThemeIcon('clock');
    default:
      return new vscode.ThemeIcon('debug-pause');
  }
}
