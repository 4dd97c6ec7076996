import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { InterventionResult, RunInfo } from '../../protocol/serverApi';
import type { DashboardToHost } from '../../protocol/webviewMessages';
import { waitFor } from '../support/poll';
import { paramLensApi, workspaceFolder } from './paramLens';

// A TMS 5-2 decomposition of a few seconds (its target is trained once, on first use).
const QUICK_CONFIG = `method: spd
seed: 1
target: {builtin: tms_5-2}
data: {synthetic: {feature_probability: 0.05}}
modules: [{pattern: linear1, C: 8}, {pattern: linear2, C: 8}]
ci_function: {type: mlp, hidden_dims: [8]}
training: {steps: 40, batch_size: 64, lr: 0.001, device: cpu, faithfulness_warmup: {steps: 5}}
logging: {log_every: 10, eval_every: 20, eval_batch_size: 128, ci_alive_threshold: 0.1}
`;

describe('jobs through the decomposition server', () => {
  it('runs a decomposition of a config, saved or not, through the server and follows it to the end', async function () {
    this.timeout(300_000); // the TMS target trains on first use
    await (await paramLensApi()).serverHealth();
    const config = vscode.Uri.joinPath(workspaceFolder(), 'quick.decomp.yaml');
    await vscode.workspace.fs.writeFile(config, Buffer.from('method: spd\n'));
    // The editor's text, not the file's, is what the server trains.
    const editor = await vscode.window.showTextDocument(config);
    await editor.edit((edit) =>
      edit.replace(new vscode.Range(0, 0, editor.document.lineCount, 0), QUICK_CONFIG),
    );
    assert.ok(editor.document.isDirty);
    // The dashboard opens as the run starts; listen before, for it draws while the run goes on.
    const renders: DashboardToHost['rendered'][] = [];
    const subscription = (await paramLensApi()).onDidRenderDashboard((event) => renders.push(event));

    const run = await vscode.commands.executeCommand<RunInfo | undefined>('paramlens.runDecomposition');

    assert.ok(run, 'the command returns the run it followed');
    assert.equal(run.status, 'done', JSON.stringify(run));
    assert.equal(run.step, 40);
    assert.ok(run.run_id.startsWith('quick-'));
    const manifest = vscode.Uri.joinPath(workspaceFolder(), 'runs', run.run_id, 'run.json');
    const written = JSON.parse(Buffer.from(await vscode.workspace.fs.readFile(manifest)).toString()) as {
      status: string;
    };
    assert.equal(written.status, 'done');
    // The config's "Open latest run" lens names the new run, with no reopening.
    await waitFor(
      'the latest-run lens to name the new run',
      async () => {
        const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>(
          'vscode.executeCodeLensProvider',
          config,
        );
        const latest = lenses.find((lens) => lens.command?.command === 'paramlens.openLatestRun');
        const args = latest?.command?.arguments?.[0] as { runDir: string | null } | undefined;
        return args?.runDir?.endsWith(run.run_id) ? true : undefined;
      },
      { timeoutMs: 10_000 },
    );
    // It followed the run live to its last line: losses, L0 and evaluations all drawn.
    const metrics = vscode.Uri.joinPath(workspaceFolder(), 'runs', run.run_id, 'metrics.jsonl');
    const logged = Buffer.from(await vscode.workspace.fs.readFile(metrics))
      .toString()
      .trim()
      .split('\n');
    try {
      const final = await waitFor(
        'the dashboard to draw every metrics line',
        () => renders.find((render) => render.runId === run.run_id && render.lines === logged.length),
        { timeoutMs: 30_000 },
      );
      assert.equal(final.charts, 3);
    } finally {
      subscription.dispose();
    }
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('lists the run in the Runs view, harvests it from there, and lists its subcomponents by density', async function () {
    this.timeout(300_000);
    const view = (await paramLensApi()).runsView;
    const runs = (await view.getChildren()) ?? [];
    const node = runs.find((child) => child.kind === 'run' && child.run.run_id.startsWith('quick-'));
    assert.ok(node?.kind === 'run', JSON.stringify(runs));
    const item = await view.getTreeItem(node);
    assert.match(String(item.description), /^done · MSE unmasked/);

    await vscode.commands.executeCommand('paramlens.harvestRun', node);

    const [harvested] = ((await view.getChildren()) ?? []).filter(
      (child) => child.kind === 'run' && child.run.run_id === node.run.run_id,
    );
    assert.ok(harvested?.kind === 'run' && harvested.run.files.includes('harvest.sqlite'));
    const modules = (await view.getChildren(harvested)) ?? [];
    assert.deepEqual(
      modules.map((child) => (child.kind === 'module' ? child.module.path : child.kind)),
      ['linear1', 'linear2'],
    );
    const components = (await view.getChildren(modules[0])) ?? [];
    const densities = components.map((child) => (child.kind === 'component' ? child.component.density : -1));
    assert.ok(densities.length > 0 && densities.every((density) => density >= 0));
    assert.deepEqual(
      densities,
      [...densities].sort((a, b) => b - a),
    );
  });

  it('intervenes on a run from the Runs view and shows its outputs beside the unmasked model’s', async function () {
    this.timeout(120_000);
    const view = (await paramLensApi()).runsView;
    const node = ((await view.getChildren()) ?? []).find(
      (child) => child.kind === 'run' && child.run.run_id.startsWith('quick-'),
    );
    assert.ok(node?.kind === 'run');
    const [linear1] = (await view.getChildren(node)) ?? [];
    const [densest] = (linear1 === undefined ? [] : await view.getChildren(linear1)) ?? [];
    assert.ok(densest?.kind === 'component', 'the harvested run lists linear1’s subcomponents');
    const id = `linear1:${densest.component.component}`;

    const result = await vscode.commands.executeCommand<InterventionResult | undefined>(
      'paramlens.interveneRun',
      node,
      { features: { '1': 1 }, keep: [id] },
    );

    assert.ok(result?.outputs, JSON.stringify(result));
    assert.equal(result.mode, 'keep');
    assert.deepEqual(result.ids, [id]);
    assert.equal(result.outputs.values.length, 5);
    const shown = vscode.window.activeTextEditor?.document;
    assert.equal(shown?.languageId, 'markdown');
    assert.match(shown.getText(), new RegExp(`^# Intervention on ${node.run.run_id}`));
    assert.ok(shown.getText().includes(`\`${id}\``));
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('opens a finished run’s dashboard from the Runs view, rebuilt from its metrics file', async function () {
    this.timeout(60_000);
    const api = await paramLensApi();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const node = ((await api.runsView.getChildren()) ?? []).find(
      (child) => child.kind === 'run' && child.run.run_id.startsWith('quick-'),
    );
    assert.ok(node?.kind === 'run');
    let rendered: DashboardToHost['rendered'] | undefined;
    const subscription = api.onDidRenderDashboard((event) => (rendered = event));
    try {
      await vscode.commands.executeCommand('paramlens.openDashboard', node);
      const drawn = await waitFor('the dashboard of a finished run to draw', () => rendered, {
        timeoutMs: 30_000,
      });
      assert.equal(drawn.runId, node.run.run_id);
      assert.equal(drawn.charts, 3);
      assert.ok(drawn.lines >= 5, `${drawn.lines} metrics lines`); // logged steps and evaluations
    } finally {
      subscription.dispose();
    }
  });

  it('evaluates a run from the Runs view as a server job and shows every metric in a document', async function () {
    this.timeout(120_000);
    const node = ((await (await paramLensApi()).runsView.getChildren()) ?? []).find(
      (child) => child.kind === 'run' && child.run.run_id.startsWith('quick-'),
    );
    assert.ok(node?.kind === 'run');

    const evaluation = await vscode.commands.executeCommand<Record<string, unknown> | undefined>(
      'paramlens.evalRun',
      node,
    );

    assert.ok(evaluation, 'the command returns the metrics');
    assert.equal(evaluation.run_id, node.run.run_id);
    assert.equal(evaluation.step, 40);
    assert.equal(typeof evaluation.mse_unmasked, 'number');
    const shown = vscode.window.activeTextEditor?.document;
    assert.equal(shown?.languageId, 'markdown');
    assert.match(shown.getText(), new RegExp(`^# Evaluation of ${node.run.run_id}$`, 'm'));
    assert.match(shown.getText(), /^\| mse_unmasked \| [-\d.e]+ \|$/m);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
