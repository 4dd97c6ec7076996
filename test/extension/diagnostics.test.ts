import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { waitFor } from '../support/poll';
import { paramLensApi, workspaceFolder } from './paramLens';

/** A valid config from examples/ with one quoted string that never closes, after the last line. */
const brokenConfig = (): { text: string; line: number } => {
  const valid = fs.readFileSync(vscode.Uri.joinPath(workspaceFolder(), 'tms_5-2.decomp.yaml').fsPath, 'utf8');
  const text = `${valid.trimEnd()}\nname: "unclosed\n`;
  return { text, line: text.split('\n').length - 2 };
};

/** A valid config with one misspelt key, `lr` written `lrr` under `training`. */
const misspeltConfig = (): { text: string; line: number } => {
  const valid = fs.readFileSync(vscode.Uri.joinPath(workspaceFolder(), 'tms_5-2.decomp.yaml').fsPath, 'utf8');
  const text = valid.replace(/^(\s+)lr:/m, '$1lrr:');
  return { text, line: text.split('\n').findIndex((l) => /^\s+lrr:/.test(l)) };
};

const brokenFile = (): vscode.Uri => vscode.Uri.joinPath(workspaceFolder(), 'broken.decomp.yaml');
const misspeltFile = (): vscode.Uri => vscode.Uri.joinPath(workspaceFolder(), 'misspelt.decomp.yaml');

async function firstDiagnostic(file: vscode.Uri): Promise<vscode.Diagnostic> {
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
  return waitFor(
    `a paramlens diagnostic in ${file.path}`,
    () => vscode.languages.getDiagnostics(file).find((candidate) => candidate.source === 'paramlens'),
    { timeoutMs: 30_000 },
  );
}

describe('diagnostics', () => {
  before(async () => {
    await (await paramLensApi()).languageClientReady();
    fs.writeFileSync(brokenFile().fsPath, brokenConfig().text);
    fs.writeFileSync(misspeltFile().fsPath, misspeltConfig().text);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(brokenFile().fsPath, { force: true });
    fs.rmSync(misspeltFile().fsPath, { force: true });
  });

  it('reports a YAML syntax error on its line, and nothing else', async () => {
    const diagnostic = await firstDiagnostic(brokenFile());
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(diagnostic.range.start.line, brokenConfig().line, diagnostic.message);
    assert.equal(vscode.languages.getDiagnostics(brokenFile()).length, 1);
  });

  it('reports a misspelt key with a suggestion', async () => {
    const diagnostic = await firstDiagnostic(misspeltFile());
    assert.equal(diagnostic.range.start.line, misspeltConfig().line, diagnostic.message);
    assert.match(diagnostic.message, /lrr/);
    assert.match(diagnostic.message, /did you mean `?lr`?/i);
  });

  it('fixes the misspelt key with its quick fix, and the problem goes away', async () => {
    const diagnostic = await firstDiagnostic(misspeltFile());
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      misspeltFile(),
      diagnostic.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const fix = actions.find((action) => action.title === 'Change to lr');
    assert.ok(fix?.edit, `quick fixes offered: ${actions.map((action) => action.title).join(', ')}`);
    assert.equal(fix.isPreferred, true);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    const document = await vscode.workspace.openTextDocument(misspeltFile());
    assert.equal(document.lineAt(misspeltConfig().line).text.trim().split(':')[0], 'lr');
    await waitFor(
      'the misspelt-key diagnostic to clear',
      () => (vscode.languages.getDiagnostics(misspeltFile()).length === 0 ? true : undefined),
      { timeoutMs: 30_000 },
    );
    await document.save();
  });
});
