import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { waitFor } from '../support/poll';
import { paramLensApi, paramLensExtension, workspaceFolder } from './paramLens';

describe('activation', () => {
  it('is active once the example config is open', async () => {
    const config = vscode.Uri.joinPath(workspaceFolder(), 'tms_5-2.decomp.yaml');
    const document = await vscode.workspace.openTextDocument(config);
    await vscode.window.showTextDocument(document);
    // Configs stay in the YAML language; the language client selects them by file pattern.
    assert.equal(document.languageId, 'yaml');
    const extension = paramLensExtension();
    await waitFor('the extension to activate', () => extension.isActive || undefined, { timeoutMs: 30_000 });
  });

  it('registers every command it contributes', async () => {
    await paramLensApi();
    const contributed = (
      paramLensExtension().packageJSON as { contributes: { commands: { command: string }[] } }
    ).contributes.commands.map((entry) => entry.command);
    assert.ok(contributed.includes('paramlens.selectRun'), `contributed: ${contributed.join(', ')}`);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((command) => !registered.has(command));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  it('has a walkthrough whose every step shows its page and links only to commands that exist', async () => {
    interface Step {
      description: string;
      media: { markdown: string };
    }
    const manifest = paramLensExtension().packageJSON as {
      contributes: { walkthroughs: { id: string; steps: Step[] }[] };
    };
    const [walkthrough] = manifest.contributes.walkthroughs;
    assert.equal(walkthrough?.id, 'gettingStarted');
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const step of walkthrough.steps) {
      const page = vscode.Uri.joinPath(paramLensExtension().extensionUri, step.media.markdown);
      assert.ok((await vscode.workspace.fs.stat(page)).size > 0, step.media.markdown);
      for (const [, command] of step.description.matchAll(/\(command:([\w.]+)/g))
        assert.ok(registered.has(command!), `${step.media.markdown} links to ${command}`);
    }
  });

  it('opens the example config from the walkthrough, in the workspace where runs are kept', async () => {
    const opened = await vscode.commands.executeCommand<vscode.Uri>('paramlens.openExampleConfig');
    assert.equal(
      opened?.toString(),
      vscode.Uri.joinPath(workspaceFolder(), 'tms_5-2.decomp.yaml').toString(),
    );
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), opened.toString());
  });
});
