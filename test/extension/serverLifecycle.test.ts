import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunInfo } from '../../protocol/serverApi';
import type { DashboardToHost } from '../../protocol/webviewMessages';
import type { JobOutcome } from '../../extension/runActivity';
import { waitFor } from '../support/poll';
import { repoRoot, testPythonPath } from '../support/paths';
import { quickTargetCache, startPythonServer, type PythonServer } from '../support/pythonServer';
import { paramLensApi, workspaceFolder } from './paramLens';

/** A TMS 5-2 decomposition of `steps` steps (its target is the quick one both servers' caches hold). */
function tmsConfig(steps: number): string {
  return `method: spd
seed: 2
target: {builtin: tms_5-2}
data: {synthetic: {feature_probability: 0.05}}
modules: [{pattern: linear1, C: 8}, {pattern: linear2, C: 8}]
ci_function: {type: mlp, hidden_dims: [8]}
training: {steps: ${steps}, batch_size: 64, lr: 0.001, device: cpu, faithfulness_warmup: {steps: 5}}
logging: {log_every: 10, eval_every: ${steps}, eval_batch_size: 128, ci_alive_threshold: 0.1}
`;
}

async function writeConfig(name: string, text: string): Promise<vscode.Uri> {
  const config = vscode.Uri.joinPath(workspaceFolder(), name);
  await vscode.workspace.fs.writeFile(config, Buffer.from(text));
  await vscode.window.showTextDocument(config);
  return config;
}

describe('the decomposition server', () => {
  let remote: PythonServer | undefined;

  after(async () => {
    await remote?.stop();
  });

  it('connects to a remote server by URL and token, runs a job there, and disconnects back to its own', async function () {
    this.timeout(240_000);
    const api = await paramLensApi();
    const own = await api.serverConnection();
    assert.ok(own, 'the spawned server is running');
    remote = await startPythonServer(quickTargetCache(), '--token', 'remote-test-token');
    assert.equal(remote.connection.token, 'remote-test-token');

    const refused = await vscode.commands.executeCommand<boolean>('paramlens.connectToServer', {
      url: remote.connection.url,
      token: 'a wrong token',
    });
    assert.equal(refused, false, 'a wrong token must not connect');
    assert.deepEqual(await api.serverConnection(), own);

    const connected = await vscode.commands.executeCommand<boolean>('paramlens.connectToServer', {
      url: remote.connection.url,
      token: 'remote-test-token',
    });
    assert.equal(connected, true);
    assert.deepEqual(await api.serverConnection(), remote.connection);

    await writeConfig('remote.decomp.yaml', tmsConfig(30));
    const run = await vscode.commands.executeCommand<RunInfo | undefined>('paramlens.runDecomposition');
    assert.ok(run, 'the command returns the run it followed');
    assert.equal(run.status, 'done', JSON.stringify(run));
    // It ran on the remote server: its files are in that server's runs root, not the workspace's.
    assert.ok(fs.existsSync(`${remote.runsRoot}/${run.run_id}/run.json`));
    assert.ok(!fs.existsSync(vscode.Uri.joinPath(workspaceFolder(), 'runs', run.run_id).fsPath));
    const listed = ((await api.runsView.getChildren()) ?? []).map((node) =>
      node.kind === 'run' ? node.run.run_id : node.kind,
    );
    assert.ok(listed.includes(run.run_id), `the Runs view lists the remote run: ${listed.join(', ')}`);

    // Harvested there, its cards come from that server: hovering an ID in the config shows one.
    await vscode.commands.executeCommand('paramlens.harvestRun', { kind: 'run', run });
    assert.ok(fs.existsSync(`${remote.runsRoot}/${run.run_id}/harvest.sqlite`));
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor !== undefined && editor.document.fileName.endsWith('remote.decomp.yaml'));
    await editor.edit((edit) =>
      edit.insert(
        new vscode.Position(editor.document.lineCount, 0),
        'analysis:\n  components:\n    - linear1:0\n',
      ),
    );
    const idAt = new vscode.Position(editor.document.lineCount - 2, 8);
    const card = await waitFor(
      'a card from the remote harvest',
      async () => {
        const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
          'vscode.executeHoverProvider',
          editor.document.uri,
          idAt,
        );
        const text = hovers
          .flatMap((hover) => hover.contents.map((part) => (typeof part === 'string' ? part : part.value)))
          .join('\n');
        return text.includes('Density') ? text : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    assert.match(card, new RegExp(`run \`${run.run_id}\``));
    assert.match(card, /Density [\d.]+% of samples/);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');

    await vscode.commands.executeCommand('paramlens.disconnectFromServer');
    const back = await waitFor(
      'the spawned server after disconnecting',
      async () => {
        const connection = await api.serverConnection();
        return connection !== undefined && connection.url !== remote?.connection.url ? connection : undefined;
      },
      { timeoutMs: 60_000 },
    );
    assert.notEqual(back.token, 'remote-test-token');
    await api.serverHealth();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('restarts a server that was killed, and the run it was training resumes to its end', async function () {
    this.timeout(300_000);
    const api = await paramLensApi();
    const before = await api.serverConnection();
    assert.ok(before);
    const runsRoot = vscode.Uri.joinPath(workspaceFolder(), 'runs').fsPath;
    await writeConfig('crash.decomp.yaml', tmsConfig(5_000));
    // Its dashboard opens as it starts; listen before, for it draws while the run goes on.
    const renders: DashboardToHost['rendered'][] = [];
    const subscription = api.onDidRenderDashboard((event) => renders.push(event));
    const following = Promise.resolve(
      vscode.commands.executeCommand<RunInfo | undefined>('paramlens.runDecomposition'),
    );
    const runDir = await waitFor(
      'the run to log its first steps',
      () => {
        const dir = fs.readdirSync(runsRoot).find((name) => name.startsWith('crash-'));
        const metrics = dir === undefined ? '' : `${runsRoot}/${dir}/metrics.jsonl`;
        return dir !== undefined && fs.existsSync(metrics) && fs.readFileSync(metrics, 'utf8').length > 0
          ? `${runsRoot}/${dir}`
          : undefined;
      },
      { timeoutMs: 15_000 },
    );
    // The server the extension spawned for this workspace, and nothing else.
    const pid = execFileSync('pgrep', ['-f', `paramlens serve .*--runs-root ${runsRoot}$`], {
      encoding: 'utf8',
    })
      .trim()
      .split('\n');
    assert.equal(pid.length, 1, `one server process: ${pid.join(', ')}`);
    process.kill(Number(pid[0]), 'SIGKILL');

    // The followed run ends as interrupted, on the restarted server, which is a new process.
    const stopped = await following;
    assert.ok(stopped);
    assert.equal(stopped.status, 'interrupted', JSON.stringify(stopped));
    const after = await waitFor(
      'a new server',
      async () => {
        const connection = await api.serverConnection();
        return connection !== undefined && connection.url !== before.url ? connection : undefined;
      },
      { timeoutMs: 90_000 },
    );
    assert.notEqual(after.token, before.token);

    // Nothing is lost: it resumes from its checkpoint and trains to its last step.
    const resumed = await vscode.commands.executeCommand<JobOutcome | undefined>('paramlens.resumeRun', {
      kind: 'run',
      run: stopped,
    });
    assert.ok(resumed);
    assert.equal(resumed.run.status, 'done', JSON.stringify(resumed.run));
    assert.equal(resumed.run.step, 5_000);
    assert.ok(fs.existsSync(`${runDir}/components.safetensors`));
    // The dashboard opened before the crash followed the run across it, on the new server, to its last step.
    const steps = new Set(
      fs
        .readFileSync(`${runDir}/metrics.jsonl`, 'utf8')
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { step: number }).step),
    );
    try {
      await waitFor(
        `the dashboard to draw all ${steps.size} steps`,
        () => renders.find((render) => render.runId === stopped.run_id && render.lines === steps.size),
        { timeoutMs: 30_000 },
      );
    } finally {
      subscription.dispose();
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('sets up a server environment of its own, points the setting at it and starts the server from it', async function () {
    this.timeout(600_000); // pip installs PyTorch and the server's dependencies
    const api = await paramLensApi();
    const settings = vscode.workspace.getConfiguration('paramlens');
    const working = settings.get<string>('pythonPath');
    const envRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'paramlens-env-'));
    const envDir = path.join(envRoot, 'env');
    // pip reads PIP_CONSTRAINT from the environment this process passes on: the CPU build of PyTorch the
    // project tests with, not the several GB of CUDA packages the default index would bring.
    const constraint = process.env.PIP_CONSTRAINT;
    process.env.PIP_CONSTRAINT = path.join(repoRoot, 'server', 'constraints.txt');
    try {
      const python = await vscode.commands.executeCommand<string | undefined>(
        'paramlens.setUpServerEnvironment',
        {
          envDir,
          python: testPythonPath,
        },
      );
      assert.equal(python, path.join(envDir, 'bin', 'python'));
      assert.equal(vscode.workspace.getConfiguration('paramlens').get('pythonPath'), python);
      // The restarted server runs from the new environment.
      const health = await waitFor(
        'the server from the new environment',
        async () => {
          const connection = await api.serverConnection();
          if (connection === undefined) return undefined;
          const pids = execFileSync('pgrep', ['-f', `^${python} -m paramlens serve`], { encoding: 'utf8' });
          return pids.trim() === '' ? undefined : api.serverHealth();
        },
        { timeoutMs: 120_000, intervalMs: 1000 },
      );
      assert.equal(health.status, 'ok');
    } finally {
      if (constraint === undefined) delete process.env.PIP_CONSTRAINT;
      else process.env.PIP_CONSTRAINT = constraint;
      await settings.update('pythonPath', working, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('paramlens.restartServer');
      fs.rmSync(envRoot, { recursive: true, force: true });
    }
    assert.equal((await api.serverHealth()).status, 'ok');
  });
});
