import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ParamLensApi } from '../../extension/api';
import { HARVESTED_RUN_ENV, type HarvestedRun } from '../support/harvestedRun';

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

/** The harvested run the runner copied into the workspace (test/support/harvestedRun.ts). */
export function harvestedRun(): HarvestedRun {
  const fixture = process.env[HARVESTED_RUN_ENV];
  assert.ok(fixture, `${HARVESTED_RUN_ENV} is not set: the runner adds the harvested run to the workspace`);
  return JSON.parse(fixture) as HarvestedRun;
}
