import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ParamLensApi } from '../../extension/api';

/** `<publisher>.<name>` from the manifest. */
export const EXTENSION_ID = 'paramlens.paramlens';

export function paramLensExtension(): vscode.Extension<ParamLensApi> {
  const extension = vscode.extensions.getExtension<ParamLensApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not loaded in this extension host`);
  return extension;
}

/** The extension's API; activates it if no activation event has yet. */
export function paramLensApi(): Promise<ParamLensApi> {
  return Promise.resolve(paramLensExtension().activate());
}

/** The test workspace: a temporary copy of `examples/`, so tests may write into it. */
export function workspaceFolder(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests need a workspace folder (a copy of examples/)');
  return folder.uri;
}
