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

  it('registers its commands', async () => {
    await paramLensApi();
    const commands = await vscode.commands.getCommands(true);
    for (const command of [
      'paramlens.openAttributionGraph',
      'paramlens.showServerLog',
      'paramlens.restartServer',
    ]) {
      assert.ok(commands.includes(command), `${command} is not registered`);
    }
  });
});
