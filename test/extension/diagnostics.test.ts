import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { waitFor } from '../support/poll';
import { paramLensApi, workspaceFolder } from './paramLens';

/** Line 3 (0-based) opens a quoted string that never closes: a YAML syntax error on that line. */
const BROKEN_CONFIG = 'seed: 0\nname: broken\nsteps: 10\nkey: "unclosed\n';
const BROKEN_LINE = 3;

const brokenFile = (): vscode.Uri => vscode.Uri.joinPath(workspaceFolder(), 'broken.decomp.yaml');

describe('diagnostics', () => {
  before(async () => {
    await (await paramLensApi()).languageClientReady();
    fs.writeFileSync(brokenFile().fsPath, BROKEN_CONFIG);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    fs.rmSync(brokenFile().fsPath, { force: true });
  });

  it('reports a YAML syntax error on its line', async () => {
    const file = brokenFile();
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
    const diagnostic = await waitFor(
      'a paramlens diagnostic',
      () => vscode.languages.getDiagnostics(file).find((candidate) => candidate.source === 'paramlens'),
      { timeoutMs: 30_000 },
    );
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(diagnostic.range.start.line, BROKEN_LINE, diagnostic.message);
  });
});
