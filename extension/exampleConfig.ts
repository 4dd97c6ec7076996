// "Open Example Config": puts the TMS 5-2 example the extension ships into the workspace, unless a file of
// that name is already there, and opens it. Runs need a folder: their files go to its `runs/`.
import * as vscode from 'vscode';
import { exists } from './decompositionCommands';

const EXAMPLE = 'tms_5-2.decomp.yaml';

export function registerExampleConfig(extensionUri: vscode.Uri): vscode.Disposable {
  return vscode.commands.registerCommand('paramlens.openExampleConfig', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (folder === undefined) {
      const open = 'Open Folder…';
      const choice = await vscode.window.showInformationMessage(
        'ParamLens keeps runs in the workspace folder: open a folder first, then the example again.',
        open,
      );
      if (choice === open) await vscode.commands.executeCommand('workbench.action.files.openFolder');
      return undefined;
    }
    const target = vscode.Uri.joinPath(folder.uri, EXAMPLE);
    if (!(await exists(target)))
      await vscode.workspace.fs.copy(vscode.Uri.joinPath(extensionUri, 'examples', EXAMPLE), target);
    await vscode.window.showTextDocument(target);
    return target;
  });
}
