import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  ValidateConfigRequest,
  type ValidateConfigParams,
  type ValidateConfigResult,
} from '../protocol/lspRequests';
import type { ValidateResponse } from '../protocol/serverApi';
import type { RunningServer } from './decompositionServer';
import { postConfig } from './serverRequests';

/**
 * Answers the language server's `paramlens/validateConfig` (reference-format configs) with the running
 * decomposition server's `POST /validate`; null when none runs, which it never starts for this.
 */
export function registerConfigValidation(
  client: LanguageClient,
  runningServer: () => Promise<RunningServer | undefined>,
  log: vscode.LogOutputChannel,
): vscode.Disposable {
  return client.onRequest(
    ValidateConfigRequest,
    async (params: ValidateConfigParams): Promise<ValidateConfigResult> => {
      if (!vscode.workspace.isTrusted) return null;
      const server = await runningServer();
      if (server === undefined) return null;
      const uri = vscode.Uri.parse(params.uri);
      try {
        return await postConfig<ValidateResponse>(server, '/validate', {
          text: params.text,
          path: uri.scheme === 'file' ? uri.fsPath : null,
        });
      } catch (error) {
        log.warn(`Checking ${vscode.workspace.asRelativePath(uri)} failed: ${(error as Error).message}`);
        return null;
      }
    },
  );
}
