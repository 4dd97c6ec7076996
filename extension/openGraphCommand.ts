import * as vscode from 'vscode';
import type { AttributionGraph } from '../protocol/graph';
import { parseGraphFile } from './graphFile';

/**
 * Chooses the graph to open: the file the command was invoked on, else the workspace's `*.graph.json`
 * (a quick pick when there are several), else the example graph that ships with the extension.
 */
export async function chooseGraphFile(
  extensionUri: vscode.Uri,
  invokedOn?: vscode.Uri,
): Promise<vscode.Uri | undefined> {
  if (invokedOn) return invokedOn;
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active?.path.endsWith('.graph.json')) return active;

  const found = await vscode.workspace.findFiles('**/*.graph.json', '**/node_modules/**', 200);
  if (found.length === 1) return found[0];
  if (found.length === 0) return vscode.Uri.joinPath(extensionUri, 'examples', 'tiny.graph.json');
  const picked = await vscode.window.showQuickPick(
    found.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })),
    { placeHolder: 'Attribution graph to open' },
  );
  return picked?.uri;
}

export async function readGraphFile(uri: vscode.Uri): Promise<AttributionGraph> {
  const bytes = await vscode.workspace.fs.readFile(uri);
  return parseGraphFile(new TextDecoder().decode(bytes), vscode.workspace.asRelativePath(uri));
}
