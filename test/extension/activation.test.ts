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
});
